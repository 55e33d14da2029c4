import { open } from "node:fs/promises";
import { NEWLINE } from "./line.js";
import { isMissingFile } from "./missing-file.js";

/**
 * Lines holding anything, terminated or not: what a listing reports as points or rows, so its
 * count matches a read of a clean file (blank lines are skipped by readers too). 0 for a missing file.
 */
export async function countNonEmptyLines(path: string): Promise<number> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isMissingFile(error)) return 0;
    throw error;
  }
  try {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    let count = 0;
    let lineHasText = false;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) {
        const byte = buffer[i] as number;
        if (byte === NEWLINE) {
          if (lineHasText) count++;
          lineHasText = false;
        } else if (byte !== 0x20 && byte !== 0x0d && byte !== 0x09) {
          lineHasText = true;
        }
      }
    }
    return lineHasText ? count + 1 : count;
  } finally {
    await handle.close();
  }
}
