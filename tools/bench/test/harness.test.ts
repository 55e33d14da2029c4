// A smoke test of the benchmark harness with tiny counts, so it cannot rot: every case runs
// and returns well-formed figures. It times nothing and asserts no speed.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { MongoTestServer } from "@dashlog/mongo-test-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../src/config.js";
import { table } from "../src/format.js";
import { runConsumersProcessCase } from "../src/consumers-process-case.js";
import { formatConsumers, type ConsumersSuiteResult } from "../src/consumers-suite.js";
import { runLatencyReader } from "../src/latency-reader.js";
import { LATENCY_VARIANTS, latencyFile, runLatencyWriter } from "../src/latency-writer.js";
import { runLocalCase } from "../src/local-case.js";
import { formatLocal, type LocalSuiteResult } from "../src/local-suite.js";
import { LOCAL_VARIANT_NAMES } from "../src/local-variants.js";
import { runMemoryCase } from "../src/memory-case.js";
import { MULTI_EVENT_LOG_SETUPS, runMultiEventLogCase } from "../src/multi-event-log-case.js";
import { runReadCase } from "../src/read-case.js";
import { runRemoteRawCase } from "../src/remote-raw-case.js";
import { runRemoteSinkCase } from "../src/remote-sink-case.js";
import { quantile, slope, spreadOf } from "../src/stats.js";

const positive = (x: number) => Number.isFinite(x) && x > 0;

describe("bench harness", () => {
  it("runs every local writer and checks the file it wrote", async () => {
    for (const variant of LOCAL_VARIANT_NAMES) {
      const result = await runLocalCase({ variant, records: 300, burst: 100 });
      expect(result.variant).toBe(variant);
      expect(result.records).toBe(300);
      expect(positive(result.callerNsPerRecord) && positive(result.endToEndMs) && positive(result.recordsPerSecond)).toBe(true);
      expect(result.bytes).toBeGreaterThan(300 * 100);
    }
  });

  it("formats a local suite as tables", () => {
    const s = spreadOf([1, 2, 3]);
    const result: LocalSuiteResult = {
      vsBestPino: { against: "the cheapest pino", caller: s, endToEnd: s, cpu: s, rss: s, processWall: s },
      records: 10,
      rounds: 1,
      burst: 5,
      rows: [{ variant: "a", callerNs: s, endToEndNs: s, recordsPerSecond: s, closeMs: s, bytesPerRecord: 200, cpuMs: s, maxRssMiB: s, processWallMs: s }],
      ratios: [{ against: "b", caller: s, endToEnd: s, cpu: s, rss: s, processWall: s }],
      raw: [],
    };
    const text = formatLocal(result);
    expect(text).toContain("| a | 2 (1–3) | 2 (1–3) | 2 (1–3) | 2 | 2 (1–3) | 2 (1–3) | 2 (1–3) | 200 |");
    expect(text).toContain("| b | 2.00 (1.00–3.00) | 2.00 (1.00–3.00) | 2.00 (1.00–3.00) | 2.00 (1.00–3.00) | 2.00 (1.00–3.00) |");
    expect(text).toContain("| the cheapest pino | 2.00 (1.00–3.00) | 2.00 (1.00–3.00) |");
    expect(text).toContain("bursts of 5 calls");
    expect(table(["x"], [["1"]])).toBe("| x |\n| --- |\n| 1 |");
  });

  it("runs a training loop with no consumers and with every built-in one, and counts bytes per stream", async () => {
    const none = await runConsumersProcessCase({ setup: "none", records: 500, spanEvery: 100 });
    const all = await runConsumersProcessCase({ setup: "all", records: 500, spanEvery: 100 });
    expect([none.events, all.events]).toEqual([510, 510]);
    expect(Object.keys(none.bytes)).toEqual(["logs"]);
    expect(Object.keys(all.bytes)).toEqual(expect.arrayContaining(["logs", "core", "full", "spans", "saturation", "ids", "memory"]));
    expect(all.bytes["logs"]).toBe(none.bytes["logs"]);
    expect(all.totalBytes).toBeGreaterThan(none.totalBytes);
    expect(positive(all.wallMs) && positive(all.cpuMs) && positive(all.maxRssBytes)).toBe(true);
    const s = spreadOf([1, 2, 3]);
    const pair = { none: { ...none, processWallMs: 1 }, all: { ...all, processWallMs: 2 } };
    const result: ConsumersSuiteResult = { records: 500, rounds: [pair], wall: s, processWall: s, cpu: s, processCpu: s, rss: s, bytes: s };
    expect(formatConsumers(result)).toContain("| bytes on disk, MiB |");
  });

  it("measures every MultiEventLog setup", async () => {
    const rows = await runMultiEventLogCase({ rounds: 1, timeMs: 5 });
    expect(rows.map((r) => r.name)).toEqual(MULTI_EVENT_LOG_SETUPS.map(([name]) => name));
    for (const row of rows) expect(positive(row.bestNsPerEvent)).toBe(true);
  });

  it("samples memory after gc", async () => {
    const hadGc = typeof (globalThis as { gc?: unknown }).gc === "function";
    if (!hadGc) {
      // The suite runs this case with node --expose-gc; here gc() is obtained the same way at run time.
      setFlagsFromString("--expose-gc");
      (globalThis as { gc?: unknown }).gc = runInNewContext("gc");
    }
    try {
      const result = await runMemoryCase({ records: 4000, sampleEvery: 1000, windowMs: 1000, burst: 500 });
      expect(result.samples.map((s) => s.records)).toEqual([0, 1000, 2000, 3000, 4000]);
      expect(result.written).toBe(8000);
      expect(Number.isFinite(result.heapGrowthPerMillion)).toBe(true);
    } finally {
      if (!hadGc) delete (globalThis as { gc?: unknown }).gc;
    }
  });

  it("measures the time from a log call to a readable record", async () => {
    for (const variant of LATENCY_VARIANTS) {
      const dir = mkdtempSync(join(tmpdir(), "dashlog-bench-test-"));
      try {
        const file = latencyFile(variant, dir);
        mkdirSync(dirname(file), { recursive: true });
        let ready: () => void = () => undefined;
        const started = new Promise<void>((resolve) => {
          ready = resolve;
        });
        const reading = runLatencyReader({ file, records: 20, pollMs: 2, timeoutMs: 10_000 }, ready);
        await started;
        await runLatencyWriter({ variant, dir, records: 20, intervalMs: 1, jitterMs: 1 });
        const result = await reading;
        expect(result.records).toBe(20);
        expect(result.p50Ms).toBeLessThanOrEqual(result.p99Ms);
        expect(result.p99Ms).toBeLessThanOrEqual(result.maxMs);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  describe("remote", () => {
    let server: MongoTestServer;
    beforeAll(async () => {
      server = await MongoTestServer.start();
    });
    afterAll(async () => {
      await server.close();
    });

    it("stores every record through the sink and through insertMany", async () => {
      const options = { uri: server.uri, records: 250, batchSize: 100, burst: 50 };
      const sink = await runRemoteSinkCase({ ...options, database: "bench_sink" });
      const raw = await runRemoteRawCase({ ...options, database: "bench_raw" });
      const sinkOne = await runRemoteSinkCase({ ...options, database: "bench_sink_1", concurrency: 1 });
      const rawTwo = await runRemoteRawCase({ ...options, database: "bench_raw_2", concurrency: 2 });
      expect([sink.stored, raw.stored, sinkOne.stored, rawTwo.stored]).toEqual([250, 250, 250, 250]);
      expect([raw.variant, rawTwo.variant]).toEqual(["raw insertMany x1", "raw insertMany x2"]);
      expect([sink, raw, sinkOne, rawTwo].every((r) => positive(r.recordsPerSecond))).toBe(true);
    });

    it("reads a run back with the local and the MongoDB reader", async () => {
      const local = await runReadCase({ source: "local", records: 300 });
      const mongo = await runReadCase({ source: "mongo", records: 300, uri: server.uri, database: "bench_read" });
      expect([local.records, mongo.records]).toEqual([300, 300]);
      expect(positive(local.recordsPerSecond) && positive(mongo.recordsPerSecond)).toBe(true);
    });
  });

  it("reads its configuration from the environment", () => {
    expect(readConfig({}).localRecords).toBe(200_000);
    const full = readConfig({ BENCH_FULL: "1", BENCH_ONLY: "local,memory" });
    expect(full.localRecords).toBe(1_000_000);
    expect(full.memoryRecords).toBe(10_000_000);
    expect([...full.sections]).toEqual(["local", "memory"]);
    expect(() => readConfig({ BENCH_ONLY: "disk" })).toThrow("unknown section");
    expect(() => readConfig({ BENCH_LOCAL_RECORDS: "-1" })).toThrow("positive integer");
  });

  it("computes quantiles, spreads and slopes", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(spreadOf([2, 4, 6])).toEqual({ median: 4, min: 2, max: 6, spread: 1, samples: 3 });
    expect(slope([1, 2, 3], [10, 20, 30])).toBe(10);
  });
});
