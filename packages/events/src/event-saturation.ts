import { defineConsumer, type Consumer, type Event } from "@dashlog/core";

/** One entry of the `saturation` stream. */
export interface SaturationRecord {
  /** Spans open right after this event, per category; a category stays listed (at 0) once seen. */
  readonly open: Readonly<Record<string, number>>;
}

/** The open-span counts behind `eventSaturation`; shared with `debugSaturation`. */
export class SaturationCounter {
  readonly #open = new Map<string, number>();

  /** Applies a start or finish; returns false (and changes nothing) for other events. */
  apply(event: Event): boolean {
    if (event.kind === "start") {
      this.#open.set(event.category, (this.#open.get(event.category) ?? 0) + 1);
      return true;
    }
    if (event.kind === "finish") {
      // A finish without a start must not drive the count negative; the run reports the mismatch.
      const current = this.#open.get(event.category) ?? 0;
      this.#open.set(event.category, current > 0 ? current - 1 : 0);
      return true;
    }
    return false;
  }

  count(category: string): number {
    return this.#open.get(category) ?? 0;
  }

  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [category, count] of this.#open) out[category] = count;
    return out;
  }
}

/**
 * Records how many spans are open in each category after every span start or finish
 * (the original's EventSaturation): `{ open: { epoch: 1, io: 3 } }`. Point events add
 * nothing, since they change no count. A finish without a start leaves the count at 0.
 *
 * Cost per event: one Map update on span events, plus a copy of the counts (one field
 * per category seen); nothing on point events.
 */
export function eventSaturation(): Consumer<SaturationRecord> {
  const counter = new SaturationCounter();
  return defineConsumer<SaturationRecord>((event) => (counter.apply(event) ? { open: counter.snapshot() } : undefined), {
    streamName: "saturation",
    fresh: eventSaturation,
  });
}
