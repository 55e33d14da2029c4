import { createWriteStream, type WriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { CliIo, OutputStream } from "./cli-io.js";

export interface Output {
  readonly stream: OutputStream;
  /** Finishes the output: for a file, flushes it and moves it into place. */
  commit(): Promise<void>;
  /** Drops a half-written file. */
  abort(): Promise<void>;
}

/**
 * stdout, or a file written under a temporary name and renamed when complete, so a failed or
 * interrupted export never leaves a truncated file that looks finished.
 */
export async function openOutput(file: string | undefined, io: CliIo): Promise<Output> {
  if (file === undefined || file === "-") return { stream: io.stdout, async commit() {}, async abort() {} };
  const target = resolve(io.cwd, file);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  const stream = createWriteStream(temp);
  await new Promise<void>((ok, fail) => {
    stream.once("open", () => ok());
    stream.once("error", fail);
  });
  return {
    stream,
    async commit() {
      await end(stream);
      await rename(temp, target);
    },
    async abort() {
      stream.destroy();
      await rm(temp, { force: true });
    },
  };
}

function end(stream: WriteStream): Promise<void> {
  return new Promise((ok, fail) => {
    stream.once("error", fail);
    stream.end(() => ok());
  });
}
