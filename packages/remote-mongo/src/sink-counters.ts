/**
 * The MongoDB sink's running counts, shared by its parts (queue sender, insert pipeline,
 * spool replay); `MongoSink.stats` hands out a copy.
 */
export class SinkCounters {
  inserted = 0;
  duplicates = 0;
  spooled = 0;
  replayed = 0;
  rejected = 0;
  retries = 0;
}
