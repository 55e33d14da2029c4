// One case of the joined-run benchmark's hot-path part, in a fresh process: logs COUNT records
// in bursts of 1,000 into local JSONL with the packages of TREE ("-": this tree's), as a run of
// its own or joining RUN, and prints ns per `exp.log` (whole run, writes included).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

interface Modules {
  Experiment: new (options: Record<string, unknown>) => { run(fn: (exp: { log(m: string, o?: unknown): number }) => unknown): Promise<unknown> };
  localJsonl: (options: { root: string }) => unknown;
}

const [tree = "-", runId = "-", countText = "0"] = process.argv.slice(2);
const count = Number(countText);
const core = (await import(tree === "-" ? "@dashlog/core" : pathToFileURL(join(tree, "packages/core/dist/index.js")).href)) as unknown as Modules;
const local = (await import(tree === "-" ? "@dashlog/local-jsonl" : pathToFileURL(join(tree, "packages/local-jsonl/dist/index.js")).href)) as unknown as Modules;
const root = await mkdtemp(join(tmpdir(), "dashlog-hot-bench-"));
try {
  const experiment = new core.Experiment({ prefix: "bench/hot/run", sink: local.localJsonl({ root }), ...(runId === "-" ? {} : { runId, worker: "0" }) });
  const started = process.hrtime.bigint();
  await experiment.run(async (exp) => {
    for (let i = 0; i < count; i++) {
      exp.log("step done", { metadata: { i, loss: 1 / (i + 1) } });
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
  });
  process.stdout.write(`${Number(process.hrtime.bigint() - started) / count}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
