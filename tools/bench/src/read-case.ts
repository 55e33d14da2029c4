import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Experiment, type RecordReader, type Sink } from "@dashlog/core";
import { jsonlReader, localJsonl } from "@dashlog/local-jsonl";
import { mongoReader, mongoSink } from "@dashlog/remote-mongo";
import { MongoClient } from "mongodb";
import { MESSAGE, metadataFor } from "./local-record.js";
import { cpuMsSince } from "./process-figures.js";
import { yieldToLoop } from "./yield-to-loop.js";

export interface ReadCaseOptions {
  readonly source: "local" | "mongo";
  readonly records: number;
  /** MongoDB only: the server and a database of this case's own (dropped afterwards). */
  readonly uri?: string;
  readonly database?: string;
  /** MongoDB only: the reader's `pageSize` (default: the reader's own). */
  readonly pageSize?: number;
}

export interface ReadCaseResult {
  readonly source: "local" | "mongo";
  readonly records: number;
  /** Reading every record of the `logs` stream with the package's reader, start to end. */
  readonly readMs: number;
  readonly readCpuMs: number;
  readonly recordsPerSecond: number;
}

const PREFIX = "bench/read";
const PATIENT_MS = 600_000;

/**
 * Writes `records` log records (the local benchmark's shape) with the source's sink, then
 * times reading them all back with its reader, as `dashlog report` and `export` do. Only the
 * read is timed; each source runs in its own process.
 */
export async function runReadCase(options: ReadCaseOptions): Promise<ReadCaseResult> {
  const dir = mkdtempSync(join(tmpdir(), "dashlog-bench-read-"));
  let sink: Sink;
  let reader: RecordReader & { close?: () => Promise<void> };
  if (options.source === "local") {
    sink = localJsonl({ root: dir, fsync: "never" });
    reader = jsonlReader({ root: dir });
  } else {
    if (options.uri === undefined || options.database === undefined) throw new Error("the mongo read case needs uri and database");
    sink = mongoSink({
      uri: options.uri,
      database: options.database,
      spoolDir: join(dir, "spool"),
      maxQueueLength: options.records + 1,
      flushTimeoutMs: PATIENT_MS,
      closeTimeoutMs: PATIENT_MS,
    });
    reader = mongoReader({ uri: options.uri, database: options.database, ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) });
  }
  try {
    const exp = await new Experiment({ prefix: PREFIX, sink }).start();
    for (let i = 0; i < options.records; ) {
      const end = Math.min(options.records, i + 1000);
      for (; i < end; i++) exp.log(MESSAGE, { metadata: metadataFor(i) });
      await yieldToLoop();
    }
    const summary = await exp.complete();
    if (summary.written !== options.records) throw new Error(`read case: ${summary.written} of ${options.records} records written`);
    await sink.close?.();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let count = 0;
    let lastSequence = -1;
    for await (const record of reader.read(PREFIX, { onIssue: (issue) => { throw new Error(`read case: ${issue.message}`); } })) {
      if (record.sequenceNumber !== lastSequence + 1) throw new Error(`read case: ${record.sequenceNumber} after ${lastSequence}`);
      lastSequence = record.sequenceNumber;
      count++;
    }
    const readMs = performance.now() - t0;
    const readCpuMs = cpuMsSince(cpu0);
    if (count !== options.records) throw new Error(`read case: read ${count} of ${options.records} records`);
    return { source: options.source, records: count, readMs, readCpuMs, recordsPerSecond: count / (readMs / 1000) };
  } finally {
    await reader.close?.();
    if (options.source === "mongo" && options.uri !== undefined) {
      const client = new MongoClient(options.uri);
      await client.db(options.database).dropDatabase().catch(() => undefined);
      await client.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
