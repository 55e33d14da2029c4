import { open } from "node:fs/promises";

const NEWLINE = 0x0a;

/** How many `\n` a file holds (its complete lines); 0 for a missing file. Reads 64 KiB at a time. */
export async function countNewlines(path: string): Promise<number> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  try {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    let count = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return count;
      const view = buffer.subarray(0, bytesRead);
      for (let at = view.indexOf(NEWLINE); at !== -1; at = view.indexOf(NEWLINE, at + 1)) count++;
    }
  } finally {
    await handle.close();
  }
}
