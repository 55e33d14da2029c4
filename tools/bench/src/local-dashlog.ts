import { join } from "node:path";
import { Experiment } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import { MESSAGE, metadataFor } from "./local-record.js";
import type { LocalWriter, LocalWriterFactory } from "./local-writer.js";

const PREFIX = "bench/local";

export interface DashlogVariant {
  /** Experiment option `retain` (entries each in-memory stream keeps); default: the run's default, 10,000. */
  readonly retain?: number;
}

/** `exp.log(message, { metadata })` with the default local JSONL sink (fsync when the run ends). */
export function dashlogWriter(variant: DashlogVariant = {}): LocalWriterFactory {
  return (dir) => openDashlog(dir, variant);
}

async function openDashlog(dir: string, variant: DashlogVariant): Promise<LocalWriter> {
  const experiment = new Experiment({
    prefix: PREFIX,
    sink: localJsonl({ root: dir }),
    ...(variant.retain === undefined ? {} : { retain: variant.retain }),
  });
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
