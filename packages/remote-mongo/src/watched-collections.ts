/** What a record watch tells apart: the collection (by its role, not its configured name) where something changed. */
export type WatchedKind = "logs" | "streams" | "metrics" | "params" | "runs";

/** Every kind, in the order they are watched and polled. */
export const WATCHED_KINDS: readonly WatchedKind[] = ["logs", "streams", "metrics", "params", "runs"];

/** How a watch learns of changes: the server's change streams, or a query every `pollIntervalMs`. */
export type RecordWatchMode = "change-stream" | "polling";

/** One change notification of a record watch. */
export interface RecordChange {
  readonly kind: WatchedKind;
  readonly via: RecordWatchMode;
}
