import { join } from "node:path";
import { Experiment } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import { MESSAGE, metadataFor } from "./local-record.js";
import type { LocalWriter } from "./local-writer.js";

const PREFIX = "bench/local";

/** `exp.log(message, { metadata })` with the default local JSONL sink (fsync when the run ends). */
export async function dashlogWriter(dir: string): Promise<LocalWriter> {
  const experiment = new Experiment({ prefix: PREFIX, sink: localJsonl({ root: dir }) });
  const exp = await experiment.start();
  return {
    file: join(dir, PREFIX, "logs", "logs.jsonl"),
    fsyncsOnClose: true,
    log(i) {
      exp.log(MESSAGE, { metadata: metadataFor(i) });
    },
    async close() {
      const summary = await exp.complete();
      if (summary.written !== summary.nextSequenceNumber - summary.firstSequenceNumber || summary.dropped > 0) {
        throw new Error(`dashlog lost records: ${JSON.stringify(summary)}`);
      }
    },
  };
}
