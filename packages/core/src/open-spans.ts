import type { SpanId } from "./event.js";

export interface OpenSpan {
  readonly category: string;
  readonly id: SpanId;
  readonly sequenceNumber: number;
  readonly monotonic: number;
}

/** The spans of a run that started and have not finished, keyed by category and id. */
export class OpenSpans {
  readonly #open = new Map<string, OpenSpan>();

  static key(category: string, id: SpanId): string {
    return `${category}\u0000${typeof id}:${String(id)}`;
  }

  get size(): number {
    return this.#open.size;
  }

  has(category: string, id: SpanId): boolean {
    return this.#open.has(OpenSpans.key(category, id));
  }

  add(span: OpenSpan): void {
    this.#open.set(OpenSpans.key(span.category, span.id), span);
  }

  /** Removes and returns the matching start, or undefined when there was none. */
  take(category: string, id: SpanId): OpenSpan | undefined {
    const key = OpenSpans.key(category, id);
    const span = this.#open.get(key);
    if (span !== undefined) this.#open.delete(key);
    return span;
  }

  list(): OpenSpan[] {
    return [...this.#open.values()];
  }
}
