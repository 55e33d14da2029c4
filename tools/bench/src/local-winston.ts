import { once } from "node:events";
import { join } from "node:path";
import winston from "winston";
import { MESSAGE, metadataFor } from "./local-record.js";
import type { LocalWriter } from "./local-writer.js";

interface StreamLike {
  readonly writableLength?: number;
  readonly readableLength?: number;
}

function buffered(stream: StreamLike | undefined): number {
  return (stream?.writableLength ?? 0) + (stream?.readableLength ?? 0);
}

/** The File transport's internal streams (a PassThrough and the fs.WriteStream). */
function internals(transport: object): { _stream?: StreamLike; _dest?: StreamLike } {
  return transport as { _stream?: StreamLike; _dest?: StreamLike };
}

/** winston 3 with its File transport and the JSON format plus an ISO timestamp (the same fields as a dashlog record). */
export async function winstonWriter(dir: string): Promise<LocalWriter> {
  const file = join(dir, "winston.log");
  const transport = new winston.transports.File({ filename: file });
  const logger = winston.createLogger({
    level: "info",
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [transport],
  });
  await once(transport, "open");
  return {
    file,
    fsyncsOnClose: false,
    log(i) {
      logger.info(MESSAGE, { metadata: metadataFor(i), sequenceNumber: i });
    },
    async close() {
      // Ending the logger while records are still buffered in its pipeline makes the File
      // transport fail with "write after end" (a known winston problem), so wait until every
      // buffer in the pipeline is empty (written to the OS), then end. The transport's _final
      // waits for its file stream to finish.
      while (buffered(logger) + buffered(transport) + buffered(internals(transport)._stream) + buffered(internals(transport)._dest) > 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const finished = once(transport, "finish");
      logger.end();
      await finished;
    },
  };
}
