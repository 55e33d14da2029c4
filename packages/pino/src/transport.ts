import { Experiment } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import build from "pino-abstract-transport";
import { DashlogDestination } from "./dashlog-destination.js";
import type { PinoLevels } from "./pino-levels.js";
import { parseTransportOptions, type DashlogTransportOptions } from "./transport-options.js";

export type { DashlogTransportOptions } from "./transport-options.js";

/** What pino-abstract-transport adds to the stream once pino has sent its configuration. */
interface ConfiguredSource extends AsyncIterable<string> {
  readonly messageKey?: string;
  readonly errorKey?: string;
  readonly levels?: PinoLevels;
}

/**
 * The worker-thread side of `pino.transport({ target: "@dashlog/pino/transport", options: { prefix } })`:
 * starts a run of the experiment on the local JSONL sink, logs every line pino sends,
 * and ends the run (COMPLETED, or FAILED when the stream fails) when pino closes the transport.
 */
export async function dashlogTransport(options: DashlogTransportOptions): Promise<NodeJS.WritableStream> {
  const parsed = parseTransportOptions(options);
  const sink = localJsonl({
    ...(parsed.root === undefined ? {} : { root: parsed.root }),
    ...(parsed.fsync === undefined ? {} : { fsync: parsed.fsync }),
  });
  // Started before pino writes anything, so a locked experiment or a bad root fails the transport at once.
  const run = await new Experiment({ prefix: parsed.prefix, sink }).start();
  return build(
    async (source) => {
      const configured = source as unknown as ConfiguredSource;
      const messageKey = parsed.messageKey ?? configured.messageKey;
      const errorKey = parsed.errorKey ?? configured.errorKey;
      const destination = new DashlogDestination(run, {
        ...(messageKey === undefined ? {} : { messageKey }),
        ...(errorKey === undefined ? {} : { errorKey }),
        ...(configured.levels === undefined ? {} : { levels: configured.levels }),
      });
      for await (const line of configured) destination.writeLine(line);
    },
    {
      parse: "lines",
      expectPinoConfig: true,
      async close(error: Error | null) {
        if (error) await run.fail(error);
        else await run.complete();
      },
    },
  );
}

// pino loads a transport target through its default export; this module exists only for that.
export default dashlogTransport;
