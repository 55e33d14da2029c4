import type { BenchConfig } from "./config.js";
import { mib, num, table } from "./format.js";
import type { MemoryCaseResult } from "./memory-case.js";
import { runCase } from "./spawn-case.js";

export async function memorySuite(config: BenchConfig): Promise<MemoryCaseResult> {
  return runCase<MemoryCaseResult>(
    "memory",
    { records: config.memoryRecords, sampleEvery: config.memorySampleEvery, windowMs: 1000, burst: config.burst },
    { nodeArgs: ["--expose-gc"] },
  );
}

export function formatMemory(result: MemoryCaseResult): string {
  return [
    `${num(result.records)} records through one run (logs + coreMetrics streams, logWindow of 1 s, local JSONL), sampled after two \`gc()\` calls (\`node --expose-gc\`). Took ${num(result.elapsedMs / 1000, 1)} s; the logs stream held ${num(result.logsStreamLength)} entries at the end; ${num(result.written)} stream records written.`,
    "",
    table(
      ["records logged", "RSS", "heap used", "heap total", "external"],
      result.samples.map((s) => [num(s.records), mib(s.rss), mib(s.heapUsed), mib(s.heapTotal), mib(s.external)]),
    ),
    "",
    `Growth per million records (least-squares slope over the samples from ${num(result.steadyFrom)} records on): RSS ${num(result.rssGrowthPerMillion / 1024, 0)} KiB, heap used ${num(result.heapGrowthPerMillion / 1024, 0)} KiB.`,
  ].join("\n");
}
