/** One way of writing the benchmark's records to a local file. */
export interface LocalWriter {
  /** The file the records end up in, one JSON object a line. */
  readonly file: string;
  /** Logs record `i` (message and metadata from local-record.ts). */
  log(i: number): void;
  /** Resolves once every record logged is in the file and the file is closed. */
  close(): Promise<void>;
  /** Whether close() already fsyncs the file (otherwise the harness does, so everyone pays one fsync). */
  readonly fsyncsOnClose: boolean;
}

/** Builds a writer whose file lives under `dir`. */
export type LocalWriterFactory = (dir: string) => Promise<LocalWriter>;
