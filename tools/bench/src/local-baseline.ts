import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { MESSAGE, metadataFor } from "./local-record.js";
import type { LocalWriter } from "./local-writer.js";

const BUFFER_CHARS = 64 * 1024;

/**
 * The floor: build the same record, `JSON.stringify` it, append the line to a string and
 * `fs.writeSync` it every 64 KiB, all on the caller's path. No copy of the metadata, no
 * level check, no queue: what any logger has to do at least.
 */
export async function baselineWriter(dir: string): Promise<LocalWriter> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "baseline.jsonl");
  const fd = openSync(file, "a");
  let buffer = "";
  return {
    file,
    fsyncsOnClose: false,
    log(i) {
      const record = { timestamp: new Date().toISOString(), level: "info", message: MESSAGE, metadata: metadataFor(i), sequenceNumber: i };
      buffer += `${JSON.stringify(record)}\n`;
      if (buffer.length >= BUFFER_CHARS) {
        writeSync(fd, buffer);
        buffer = "";
      }
    },
    close() {
      if (buffer.length > 0) writeSync(fd, buffer);
      buffer = "";
      closeSync(fd);
      return Promise.resolve();
    },
  };
}
