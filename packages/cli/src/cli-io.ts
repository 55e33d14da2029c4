/** The part of a writable stream the CLI needs; process.stdout and test doubles both fit. */
export interface OutputStream {
  write(chunk: string): boolean;
  once(event: "drain", listener: () => void): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
  hasColors?(): boolean;
}

/** Where a command reads its environment from and writes to, so tests can run it in-process. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted on Ctrl-C: `tail --follow` stops, a push stops between batches. */
  readonly signal: AbortSignal;
}

/** Writes `text`, waiting for the stream to drain when its buffer is full (a slow pipe, a big export). */
export async function writeOut(stream: OutputStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once("drain", resolve));
}
