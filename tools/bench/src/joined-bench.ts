// Issue 17's benchmark: what sharing one run costs.
//   A. 8 writer processes into ONE experiment (a joined run: one logs.jsonl, sequence blocks
//      from one counter) against 8 writer processes into 8 experiments (today's only option);
//   B. the single-writer hot path (`exp.log` into local JSONL, no runId) of this tree against
//      the tree given with --baseline (e.g. a checkout of main, built), in the same run;
//      and a one-worker joined run, for the cost of block numbering itself.
// Usage: node tools/bench/dist/joined-bench.js [--records N] [--writers W] [--rounds R] [--hot-records N] [--baseline /path/to/checkout] [--only fleet|hot]
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const CHILD = fileURLToPath(new URL("./joined-child.js", import.meta.url));

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "100000" },
    writers: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
    "hot-records": { type: "string", default: "300000" },
    baseline: { type: "string" },
    only: { type: "string" },
  },
});
const records = Number(values.records);
const writers = Number(values.writers);
const rounds = Number(values.rounds);
const hotRecords = Number(values["hot-records"]);

function runChild(root: string, prefix: string, runId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, root, prefix, runId, String(records)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("close", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`writer exited with ${code}`))));
  });
}

/** Wall time (ms) for `writers` processes to log `records` each, and the slowest writer's own logging time. */
async function fleet(shared: boolean): Promise<{ wallMs: number; slowestMs: number }> {
  const root = await mkdtemp(join(tmpdir(), "dashlog-joined-bench-"));
  try {
    const started = performance.now();
    const times = await Promise.all(
      Array.from({ length: writers }, (_, i) => runChild(root, shared ? "bench/joined/one" : `bench/joined/own-${i}`, shared ? `bench-${Date.now()}` : "-")),
    );
    return { wallMs: performance.now() - started, slowestMs: Math.max(...times) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const HOT_CHILD = fileURLToPath(new URL("./joined-hot-child.js", import.meta.url));

/** ns per `exp.log` of one case, measured in a fresh process (no heap or JIT state shared between cases). */
function hotPath(tree: string | undefined, runId: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HOT_CHILD, tree ?? "-", runId ?? "-", String(hotRecords)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("close", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`hot-path case exited with ${code}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

if (values.only !== "hot") {
console.log(`# ${writers} writers x ${records} records, ${rounds} rounds (alternating), node ${process.version}`);
const one: number[] = [];
const own: number[] = [];
for (let r = 0; r < rounds; r++) {
  own.push((await fleet(false)).wallMs);
  one.push((await fleet(true)).wallMs);
}
const total = writers * records;
console.log(`8 writers, 8 experiments : median wall ${median(own).toFixed(0)} ms, ${(total / (median(own) / 1000)).toFixed(0)} records/s  [${own.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`8 writers, one joined run: median wall ${median(one).toFixed(0)} ms, ${(total / (median(one) / 1000)).toFixed(0)} records/s  [${one.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`cost of sharing one run: ${((median(one) / median(own) - 1) * 100).toFixed(1)}% wall time`);
}

if (values.only !== "fleet") {
const baseline = values.baseline;
const hot = { current: [] as number[], joined: [] as number[], baseline: [] as number[] };
for (let r = 0; r < rounds; r++) {
  if (baseline !== undefined) hot.baseline.push(await hotPath(baseline, undefined));
  hot.current.push(await hotPath(undefined, undefined));
  hot.joined.push(await hotPath(undefined, `hot-${r}-${Date.now()}`));
}
console.log(`# single-writer hot path, ${hotRecords} records into local JSONL, ns per exp.log (whole run, a fresh process per case, ${rounds} rounds alternating)`);
if (baseline !== undefined) console.log(`baseline (${baseline}): median ${median(hot.baseline).toFixed(0)}  [${hot.baseline.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`this tree, run of its own : median ${median(hot.current).toFixed(0)}  [${hot.current.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`this tree, joined (1 worker): median ${median(hot.joined).toFixed(0)}  [${hot.joined.map((x) => x.toFixed(0)).join(", ")}]`);
if (baseline !== undefined) console.log(`this tree / baseline: ${(median(hot.current) / median(hot.baseline)).toFixed(3)}`);
}
