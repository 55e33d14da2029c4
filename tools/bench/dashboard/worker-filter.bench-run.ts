import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { it } from "vitest";

// `pnpm --filter @dashlog/bench dashboard worker-filter` (after building packages/cli): the log table's
// worker filter of a joined run against its level filter (the baseline), one server, same run.
// BENCH_WORKER_RECORDS (default 1,000,000), BENCH_OUT (markdown file). Prints figures; asserts no timing.
const RECORDS = Number(process.env["BENCH_WORKER_RECORDS"] ?? 1_000_000);
const WORKERS = 8;
/** Records each worker appends at a time, as a joined run's workers write in batches. */
const BATCH = 200;
/** The crashed worker wrote this many records near the start, then nothing. */
const CRASHED_RECORDS = 2_000;
const ROUNDS = 15;
const PREFIX = "bench/dashboard/joined";
const CLI = fileURLToPath(new URL("../../../packages/cli/dist/bin.js", import.meta.url));
const T0 = Date.UTC(2026, 0, 1);
const LEVELS = ["debug", "info", "info", "info", "info", "info", "info", "info", "info", "warn"] as const;

/** A joined run's logs.jsonl: workers 0-6 take turns in batches; worker 7 wrote CRASHED_RECORDS in the first batches and stopped. */
async function writeJoinedLogs(root: string): Promise<void> {
  const dir = join(root, ...PREFIX.split("/"), "logs");
  await mkdir(dir, { recursive: true });
  const out = createWriteStream(join(dir, "logs.jsonl"));
  let buffer = "";
  let crashedLeft = CRASHED_RECORDS;
  for (let i = 0, turn = 0; i < RECORDS; turn++) {
    const worker = crashedLeft > 0 && turn % WORKERS === WORKERS - 1 ? WORKERS - 1 : turn % (WORKERS - 1);
    for (let j = 0; j < BATCH && i < RECORDS; j++, i++) {
      if (worker === WORKERS - 1) crashedLeft--;
      buffer += `${JSON.stringify({ timestamp: new Date(T0 + i * 10).toISOString(), level: LEVELS[i % 10], message: `step ${i} done`, metadata: { step: i }, sequenceNumber: i, worker: String(worker) })}\n`;
    }
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once("drain", () => r()));
      buffer = "";
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;

it("worker filter benchmark", async () => {
  const root = await mkdtemp(join(tmpdir(), "dashlog-worker-bench-"));
  const lines: string[] = [];
  const log = (line = "") => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  const server = spawn(process.execPath, [CLI, "serve", "--root", root, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    await writeJoinedLogs(root);
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      server.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
        const found = /at (http:\/\/\S+)\n/.exec(out);
        if (found) resolve(found[1] as string);
      });
      server.once("exit", (code) => reject(new Error(`dashlog serve exited with ${code}`)));
    });
    const p = encodeURIComponent(PREFIX);
    // The first read of the run, then every figure on the run read.
    for (let i = 0; i < 1200; i++) {
      const o = (await (await fetch(`${url}api/overview?p=${p}`)).json()) as { summary: { records: number; parsed: number } };
      if (o.summary.parsed >= RECORDS) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    log(`# worker filter: ${RECORDS.toLocaleString("en-US")} log records, ${WORKERS} workers in batches of ${BATCH}, worker ${WORKERS - 1} stopped after ${CRASHED_RECORDS.toLocaleString("en-US")}`);
    log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
    log();
    log("| first page (200 rows, newest first) of | median of " + ROUNDS + " requests | rows | vs level=warn |");
    log("|---|---:|---:|---:|");
    const cases: [string, string][] = [
      ["level=warn (baseline: a level filter, one record in ten)", "level=warn"],
      ["worker=3 (one worker of seven writing)", "worker=3"],
      ["worker=3 and level=warn", "worker=3&level=warn"],
      [`worker=${WORKERS - 1} (stopped after the first ${CRASHED_RECORDS.toLocaleString("en-US")} records)`, `worker=${WORKERS - 1}`],
    ];
    let baseline = Number.NaN;
    for (const [name, query] of cases) {
      const times: number[] = [];
      let rows = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const start = performance.now();
        const page = (await (await fetch(`${url}api/logs?p=${p}&filtered=1&limit=200&${query}`)).json()) as { rows: unknown[] };
        times.push(performance.now() - start);
        rows = page.rows.length;
      }
      const m = median(times);
      if (Number.isNaN(baseline)) baseline = m;
      log(`| ${name} | ${m.toFixed(1)} ms | ${rows} | ${(m / baseline).toFixed(2)}x |`);
    }
    const out = process.env["BENCH_OUT"];
    if (out !== undefined) await writeFile(out, `${lines.join("\n")}\n`);
  } finally {
    server.kill("SIGINT");
    await rm(root, { recursive: true, force: true });
  }
});
