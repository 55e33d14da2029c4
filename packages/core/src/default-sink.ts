import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DashlogError } from "./errors.js";
import { isSink, type Sink } from "./sink.js";

const DEFAULT_SINK_PACKAGE = "@dashlog/local-jsonl";

interface DefaultSinkModule {
  localJsonl(): Sink;
}

/**
 * The embedded default: `localJsonl()` from @dashlog/local-jsonl. Core has no I/O of its
 * own and does not depend on it, so it is looked up at run start, first beside core, then
 * from the working directory (where an application installs it).
 */
export async function loadDefaultSink(): Promise<Sink> {
  const module = await importDefaultSinkModule();
  const sink = module.localJsonl();
  if (!isSink(sink)) throw new DashlogError("DASHLOG_NO_SINK", `${DEFAULT_SINK_PACKAGE} returned no sink`);
  return sink;
}

async function importDefaultSinkModule(): Promise<DefaultSinkModule> {
  const specifier: string = DEFAULT_SINK_PACKAGE;
  const candidates: (() => Promise<unknown>)[] = [
    () => import(specifier),
    () => {
      const require = createRequire(join(process.cwd(), "package.json"));
      return import(pathToFileURL(require.resolve(specifier)).href);
    },
  ];
  for (const candidate of candidates) {
    try {
      const module = (await candidate()) as Partial<DefaultSinkModule>;
      if (typeof module.localJsonl === "function") return module as DefaultSinkModule;
    } catch {
      // Try the next place; the error below says what to do.
    }
  }
  throw new DashlogError(
    "DASHLOG_NO_SINK",
    `no sink was given and the default ${DEFAULT_SINK_PACKAGE} is not installed: run \`npm i ${DEFAULT_SINK_PACKAGE}\` or pass { sink } to the Experiment`,
  );
}
