import { PARAMS_BATCH, metricBatchStream, validateStreamName, type RecordBatch, type StoredRecord } from "@dashlog/core";
import type { MongoSink } from "@dashlog/remote-mongo";
import type { CliIo } from "./cli-io.js";
import type { ExperimentStore } from "./experiment-store.js";
import { readIssuePrinter } from "./read-issue-printer.js";

const BATCH = 1_000;

/**
 * Sends an experiment's metric points and parameters through the MongoDB sink as the batches
 * a run would have produced, so they land under the same unique keys: (experiment, metric,
 * index) for points, (experiment, index) for parameter changes. Pushing again stores nothing
 * twice. The local parameters are one merged snapshot; they go as change number `version - 1`,
 * so a push after more changes adds the newer snapshot after the older one. Returns how many
 * points and changes were handed to the sink.
 */
export async function pushMetrics(local: ExperimentStore, sink: MongoSink, prefix: string, io: CliIo): Promise<number> {
  let sent = 0;
  for (const metric of await local.metrics.listMetrics(prefix)) {
    // ml-dash accepts any folder name; MongoDB keys and the spool take safe segments only.
    try {
      validateStreamName(metric.name, "metric name");
    } catch (error) {
      io.stderr.write(`dashlog push: warning: metric ${JSON.stringify(metric.name)} skipped: ${(error as Error).message}\n`);
      continue;
    }
    const stream = metricBatchStream(metric.name);
    let records: StoredRecord[] = [];
    const send = async () => {
      if (records.length === 0) return;
      await sink.write([{ experiment: prefix, stream, records } satisfies RecordBatch]);
      sent += records.length;
      records = [];
    };
    for await (const point of local.metrics.readMetric(prefix, metric.name, { onIssue: readIssuePrinter(io, `metric ${metric.name}`), signal: io.signal })) {
      records.push({ sequenceNumber: point.index, data: point.data, createdAt: point.createdAt ?? new Date(0).toISOString() });
      if (records.length >= BATCH) await send();
    }
    await send();
    if (io.signal.aborted) return sent;
  }
  const params = await local.metrics.readParams(prefix);
  if (params !== null && Object.keys(params.data).length > 0) {
    const change = { sequenceNumber: Math.max(0, params.version - 1), data: params.data, updatedAt: params.updatedAt ?? params.createdAt ?? new Date(0).toISOString() };
    await sink.write([{ experiment: prefix, stream: PARAMS_BATCH, records: [change as StoredRecord] }]);
    sent++;
  }
  return sent;
}
