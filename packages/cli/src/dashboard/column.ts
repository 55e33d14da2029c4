/** Growable column of numbers: 8 bytes a checkpoint, so a million records cost about 30 KiB. */
export class Column {
  #data = new Float64Array(64);
  length = 0;
  push(value: number): void {
    if (this.length === this.#data.length) {
      const grown = new Float64Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.length++] = value;
  }
  at(index: number): number {
    return this.#data[index] as number;
  }
  set(index: number, value: number): void {
    this.#data[index] = value;
  }
}
