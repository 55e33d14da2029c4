/** A subscription to a store's change notifications; `close` stops it. */
export interface StoreWatch {
  close(): void;
}

/**
 * What a store offers so the live feed reads a run when it changes rather than only on a
 * timer: local folders through the file system's notifications, MongoDB through change
 * streams. `onChange` may be called for changes the feed then finds nothing new in; `onLost`
 * when notifications stopped for good (the feed goes back to polling). Resolves to
 * undefined when the store cannot notify (a standalone MongoDB refuses change streams).
 */
export type WatchChanges = (prefix: string, onChange: () => void, onLost: () => void) => Promise<StoreWatch | undefined>;
