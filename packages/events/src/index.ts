export { bytesAllocated, type BytesAllocatedOptions, type HeapRecord } from "./bytes-allocated.js";
export { toChromeTrace, type ChromeTrace, type ChromeTraceEvent, type ChromeTraceOptions } from "./chrome-trace.js";
export { coreMetrics, type CoreMetricsOptions, type CoreRecord } from "./core-metrics.js";
export { cpuUsage, type CpuRecord, type CpuUsageOptions } from "./cpu-usage.js";
export { debugSaturation, type DebugSaturationOptions, type SaturationLevel, type SaturationLogger } from "./debug-saturation.js";
export {
  eventLoopDelay,
  type DelayHistogram,
  type EventLoopDelayOptions,
  type EventLoopDelayRecord,
} from "./event-loop-delay.js";
export {
  eventLoopUtilization,
  type EventLoopUtilizationOptions,
  type EventLoopUtilizationRecord,
} from "./event-loop-utilization.js";
export { eventSaturation, SaturationCounter, type SaturationRecord } from "./event-saturation.js";
export { freeMemory, type FreeMemoryOptions, type FreeMemoryRecord } from "./free-memory.js";
export { fullMetrics, type FullMetricsOptions, type FullRecord } from "./full-metrics.js";
export { gcStats, type GcRecord, type GcSource, type GcStatsOptions } from "./gc-stats.js";
export { idMetrics, type IdRecord } from "./id-metrics.js";
export { loadAverage, type LoadAverageOptions, type LoadAverageRecord } from "./load-average.js";
export {
  logWindow,
  type CreationHandler,
  type DeletionHandler,
  type LogWindowOptions,
  type WindowDeletion,
  type WindowRow,
} from "./log-window.js";
export { memoryUsage, type MemoryRecord, type MemoryUsageOptions } from "./memory-usage.js";
export { payloadMetrics, type PayloadRecord } from "./payload-metrics.js";
export { sampled, type SampledOptions } from "./sampled.js";
export {
  spanDurations,
  type SpanDurationsConsumer,
  type SpanDurationsOptions,
  type SpanRecord,
  type UnfinishedSpan,
} from "./span-durations.js";
export {
  spansFromEvents,
  type PairedSpans,
  type SpanEventRecord,
  type SpansFromEventsOptions,
} from "./spans-from-events.js";
export { tableStorage, type TableRow, type TableStorage, type TableStorageOptions } from "./table-storage.js";
export type { TraceSpan } from "./trace-span.js";
export { fillGaps, gaugeAt, type FilledRecord, type SequencedRecord } from "./fill-gaps.js";
