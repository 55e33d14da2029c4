/** Sizes and rounds of one benchmark run, from the environment. */
export interface BenchConfig {
  readonly full: boolean;
  readonly sections: ReadonlySet<string>;
  readonly burst: number;
  readonly localRecords: number;
  readonly localRounds: number;
  /** Substrings picking local writers (dashlog always runs); empty: all of them. */
  readonly localVariants: readonly string[];
  readonly melRounds: number;
  readonly melTimeMs: number;
  readonly remoteRecords: number;
  readonly remoteRounds: number;
  readonly remoteBatchSize: number;
  readonly memoryRecords: number;
  readonly memorySampleEvery: number;
  readonly latencyRecords: number;
  readonly consumersRecords: number;
  readonly consumersRounds: number;
  readonly readRecords: number;
  readonly readRounds: number;
}

export const SECTIONS = ["local", "consumers", "mel", "remote", "read", "memory", "latency"] as const;

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw.replaceAll("_", ""));
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * BENCH_FULL=1 gives the sizes issue 8 asks for (1M local records, 10M for memory); the
 * default is a quicker run. Every size can be set on its own (BENCH_LOCAL_RECORDS, ...),
 * and BENCH_ONLY=local,mel,remote,memory,latency picks sections.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const full = env["BENCH_FULL"] === "1";
  const only = env["BENCH_ONLY"];
  const sections = new Set<string>(only === undefined || only === "" ? SECTIONS : only.split(",").map((s) => s.trim()));
  for (const s of sections) {
    if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`BENCH_ONLY: unknown section ${JSON.stringify(s)}; known: ${SECTIONS.join(", ")}`);
  }
  const memoryRecords = int(env, "BENCH_MEMORY_RECORDS", full ? 10_000_000 : 2_000_000);
  return {
    full,
    sections,
    burst: int(env, "BENCH_BURST", 1000),
    localRecords: int(env, "BENCH_LOCAL_RECORDS", full ? 1_000_000 : 200_000),
    localRounds: int(env, "BENCH_LOCAL_ROUNDS", full ? 5 : 3),
    localVariants: (env["BENCH_LOCAL_VARIANTS"] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== ""),
    melRounds: int(env, "BENCH_MEL_ROUNDS", full ? 5 : 3),
    melTimeMs: int(env, "BENCH_MEL_TIME_MS", full ? 300 : 150),
    remoteRecords: int(env, "BENCH_REMOTE_RECORDS", full ? 200_000 : 50_000),
    remoteRounds: int(env, "BENCH_REMOTE_ROUNDS", full ? 5 : 2),
    remoteBatchSize: int(env, "BENCH_REMOTE_BATCH", 1000),
    memoryRecords,
    memorySampleEvery: int(env, "BENCH_MEMORY_SAMPLE_EVERY", Math.max(1000, Math.floor(memoryRecords / 10 / 1000) * 1000)),
    latencyRecords: int(env, "BENCH_LATENCY_RECORDS", full ? 1000 : 300),
    consumersRecords: int(env, "BENCH_CONSUMERS_RECORDS", 200_000),
    consumersRounds: int(env, "BENCH_CONSUMERS_ROUNDS", full ? 5 : 3),
    readRecords: int(env, "BENCH_READ_RECORDS", full ? 104_000 : 50_000),
    readRounds: int(env, "BENCH_READ_ROUNDS", full ? 5 : 2),
  };
}
