import { once } from "node:events";
import { join } from "node:path";
import { pino } from "pino";
import { MESSAGE, metadataFor } from "./local-record.js";
import type { LocalWriter, LocalWriterFactory } from "./local-writer.js";

export interface PinoVariant {
  /** `pino.destination` sync flag (ignored for the worker-thread transport). */
  readonly sync: boolean;
  /** true: `pino.transport({ target: "pino/file" })`, the file written by a worker thread; false: `pino.destination` (sonic-boom) in this thread. */
  readonly worker?: boolean;
  /** Bytes sonic-boom buffers before a write. */
  readonly minLength: number;
  /** true: the record's own fields (ISO `timestamp`, `level` label, `message`, metadata, sequenceNumber); false: pino's defaults (epoch ms `time`, numeric level, pid, hostname, `msg`). */
  readonly sameFields: boolean;
}

/** pino to a file through its fast destination (sonic-boom), one logger call per record. */
export function pinoWriter(variant: PinoVariant): LocalWriterFactory {
  return async (dir) => {
    const file = join(dir, "pino.log");
    const destination =
      variant.worker === true
        ? pino.transport({ target: "pino/file", options: { destination: file, mkdir: true, minLength: variant.minLength } })
        : pino.destination({ dest: file, sync: variant.sync, minLength: variant.minLength, mkdir: true });
    // The transport's worker is unref'd: without a ref'd handle the process could exit while waiting for it.
    const keepAlive = setInterval(() => undefined, 1000);
    if (variant.worker === true || !variant.sync) await once(destination, "ready");
    const logger = variant.sameFields
      ? pino(
          {
            base: null,
            messageKey: "message",
            timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
            formatters: { level: (label) => ({ level: label }) },
          },
          destination,
        )
      : pino(destination);
    const writer: LocalWriter = {
      file,
      fsyncsOnClose: false,
      log(i) {
        logger.info({ metadata: metadataFor(i), sequenceNumber: i }, MESSAGE);
      },
      async close() {
        const closed = once(destination, "close");
        destination.end();
        await closed;
        clearInterval(keepAlive);
      },
    };
    return writer;
  };
}
