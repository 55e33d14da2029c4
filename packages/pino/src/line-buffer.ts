/**
 * Cuts a stream of text into lines. pino hands a destination one whole line per write,
 * but other writers (and worker-thread buffers) may split or join them, so a partial
 * line is kept until its newline arrives.
 */
export class LineBuffer {
  #partial = "";

  /** The complete lines in `chunk`, after any text kept from earlier chunks. */
  push(chunk: string): string[] {
    const text = this.#partial + chunk;
    const lines = text.split("\n");
    this.#partial = lines.pop() ?? "";
    return lines;
  }

  /** The text after the last newline, if any; the buffer is then empty. */
  end(): string | undefined {
    const rest = this.#partial;
    this.#partial = "";
    return rest === "" ? undefined : rest;
  }
}
