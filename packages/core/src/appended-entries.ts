import type { AggregatorContext } from "./aggregator.js";
import type { Event } from "./event.js";
import type { StreamEntry } from "./record.js";
import type { Stream } from "./stream.js";

/**
 * The context aggregators get for one event. `appended` is built on first read: most
 * aggregators (a window that only prunes) never look at it, and a Map of every stream's
 * entry, built for each event, was most of what an aggregator cost a run with many
 * consumers. Until then the entries wait in a flat array, name then entry.
 */
export class AppendedEntries implements AggregatorContext {
  readonly event: Event;
  readonly streams: ReadonlyMap<string, Stream>;
  readonly #pairs: (string | StreamEntry)[] = [];
  #map: Map<string, StreamEntry> | undefined;

  constructor(event: Event, streams: ReadonlyMap<string, Stream>) {
    this.event = event;
    this.streams = streams;
  }

  add(stream: string, entry: StreamEntry): void {
    if (this.#map !== undefined) this.#map.set(stream, entry);
    else this.#pairs.push(stream, entry);
  }

  get appended(): ReadonlyMap<string, StreamEntry> {
    if (this.#map === undefined) {
      const map = new Map<string, StreamEntry>();
      const pairs = this.#pairs;
      for (let i = 0; i < pairs.length; i += 2) map.set(pairs[i] as string, pairs[i + 1] as StreamEntry);
      this.#map = map;
      this.#pairs.length = 0;
    }
    return this.#map;
  }
}
