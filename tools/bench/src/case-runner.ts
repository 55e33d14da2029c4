import type { ConsumersProcessCaseOptions } from "./consumers-process-case.js";
import type { LatencyReaderOptions } from "./latency-reader.js";
import type { LatencyWriterOptions } from "./latency-writer.js";
import type { LocalCaseOptions } from "./local-case.js";
import type { MemoryCaseOptions } from "./memory-case.js";
import type { ReadCaseOptions } from "./read-case.js";
import type { MultiEventLogCaseOptions } from "./multi-event-log-case.js";
import type { RemoteCaseOptions } from "./remote-options.js";

/**
 * The cases a child process runs, by name: JSON options in, a JSON result out (options come
 * from the orchestrator, not from users). Each is imported only when run, so a case loads
 * nothing it does not use (the local case never loads the MongoDB driver).
 */
export const CASES: Readonly<Record<string, (options: unknown) => Promise<unknown>>> = {
  local: async (options) => (await import("./local-case.js")).runLocalCase(options as LocalCaseOptions),
  "multi-event-log": async (options) => (await import("./multi-event-log-case.js")).runMultiEventLogCase(options as MultiEventLogCaseOptions),
  "remote-sink": async (options) => (await import("./remote-sink-case.js")).runRemoteSinkCase(options as RemoteCaseOptions),
  "remote-raw": async (options) => (await import("./remote-raw-case.js")).runRemoteRawCase(options as RemoteCaseOptions),
  "consumers-process": async (options) =>
    (await import("./consumers-process-case.js")).runConsumersProcessCase(options as ConsumersProcessCaseOptions),
  read: async (options) => (await import("./read-case.js")).runReadCase(options as ReadCaseOptions),
  memory: async (options) => (await import("./memory-case.js")).runMemoryCase(options as MemoryCaseOptions),
  "latency-writer": async (options) => (await import("./latency-writer.js")).runLatencyWriter(options as LatencyWriterOptions),
  "latency-reader": async (options) => {
    const { runLatencyReader } = await import("./latency-reader.js");
    const { READER_READY } = await import("./child-markers.js");
    return runLatencyReader(options as LatencyReaderOptions, () => process.stdout.write(`${READER_READY}\n`));
  },
};
