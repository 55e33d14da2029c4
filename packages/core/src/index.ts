export type { Aggregator, AggregatorContext } from "./aggregator.js";
export { freshAggregator } from "./aggregator.js";
export { BatchProcessor, SYNC_WRITE_BATCHES, type BatchProcessorOptions, type ProcessorStats } from "./batch-processor.js";
export { manualClock, systemClock, type Clock } from "./clock.js";
export { defineConsumer, freshConsumer, type Consumer, type ConsumerExtras } from "./consumer.js";
export { createEvent } from "./create-event.js";
export { describeValue } from "./describe-value.js";
export {
  DashlogError,
  ExperimentLockedError,
  InvalidArgumentError,
  InvalidLevelError,
  InvalidMetadataError,
  InvalidPrefixError,
  PartialWriteError,
  RunStateError,
  UnwrittenRecordsError,
} from "./errors.js";
export type { Event, EventKind, SpanId } from "./event.js";
export { Experiment, DEFAULT_RETAIN } from "./experiment.js";
export { parseExperimentOptions, type ExperimentOptions } from "./experiment-options.js";
export { IssueChannel, type DashlogIssue, type IssueListener, type IssueSource } from "./issues.js";
export { isPlainObject, type JsonObject, type JsonValue } from "./json.js";
export { DEFAULT_LEVEL, LEVELS, LEVEL_VALUES, isAtLeast, isLevel, parseLevel, type Level } from "./level.js";
export { LOGS_STREAM, logRecords } from "./log-records.js";
export { MemorySink, type MemoryRunRecord } from "./memory-sink.js";
export { MAX_METADATA_DEPTH, normalizeMetadata } from "./metadata.js";
export {
  METRIC_BATCH_PREFIX,
  PARAMS_BATCH,
  ROOT_METRIC,
  batchKind,
  isStreamBatch,
  metricBatchStream,
  type BatchKind,
  type MetricPointRecord,
  type MetricsOpened,
  type ParamsRecord,
} from "./metric-batches.js";
export {
  compileMetricFilter,
  matchesMetricFilter,
  type MetricFilter,
  type MetricFollowOptions,
  type MetricInfo,
  type MetricPoint,
  type MetricReadOptions,
  type MetricReader,
  type ParamsSnapshot,
} from "./metric-reader.js";
export { createRunMetrics, type MetricSeries, type RunMetrics } from "./metrics.js";
export type { MetricsContext } from "./metrics-context.js";
export { RunParams, flattenParams, unflattenParams, type ParamsGetOptions } from "./params.js";
export {
  DEFAULT_MAX_STREAM_LENGTH,
  MultiEventLog,
  type EntryListener,
  type MultiEventLogOptions,
  type StreamOptions,
} from "./multi-event-log.js";
export { validatePrefix, validateStreamName } from "./prefix.js";
export { onProcessCrash, onProcessExit } from "./process-exit.js";
export { toStoredRecord, type LogRecord, type StoredRecord, type StreamEntry } from "./record.js";
export { OpenSpans, type OpenSpan } from "./open-spans.js";
export {
  compileFilter,
  matchesFilter,
  mergeBySequence,
  readByWorker,
  type FollowOptions,
  type ReadIssue,
  type ReadOptions,
  type RecordFilter,
  type RecordReader,
} from "./reader.js";
export { CRASHED_ERROR_NAME, processGoneReason, runStateOf, type EffectiveRunStatus, type RunState } from "./run-state.js";
export { Run, type EmitInput, type LogOptions, type RunSummary, type SpanOptions } from "./run.js";
export {
  levelSchema,
  logRecordSchema,
  runRecordSchema,
  runStatusSchema,
  sequenceNumberSchema,
  storedRecordSchema,
  type RunRecord,
} from "./schemas.js";
export {
  countRecords,
  isSink,
  type RecordBatch,
  type RunEnded,
  type RunInfo,
  type RunOpened,
  type RunStatus,
  type SequenceRange,
  type Sink,
} from "./sink.js";
export { WorkerLogs, type WorkerLogsOptions } from "./worker-logs.js";
export { joinedRunState, type WorkerPartState } from "./worker-parts.js";
export { anyUnrecordedNumbers, stateUnrecordedNumbers, type SequenceCounterState } from "./unrecorded-numbers.js";
export { isWorkerName, resolveWorkerIdentity, type WorkerIdentity } from "./worker-identity.js";
export { Stream } from "./stream.js";
