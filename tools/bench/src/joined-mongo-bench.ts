// Issue 17's fleet benchmark through MongoDB: W writer processes (each with its own spool,
// sharing nothing but the server) into ONE joined run of one experiment (blocks of numbers from
// one counter document, `$inc` per block) against W writers into W separate experiments (a run
// of its own each), alternating in the same run. The server is MONGODB_URI when set, else the
// repository's wire-protocol test server in its own process (in-memory and single-threaded:
// not a real mongod; the ratio is the figure to read, not the records per second).
// Usage: node tools/bench/dist/joined-mongo-bench.js [--records N] [--writers W] [--rounds R]
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { MongoClient } from "mongodb";
import { startMongoTarget } from "./mongo-server-handle.js";

const CHILD = fileURLToPath(new URL("./joined-mongo-child.js", import.meta.url));

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "20000" },
    writers: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
  },
});
const records = Number(values.records);
const writers = Number(values.writers);
const rounds = Number(values.rounds);
for (const [name, value] of Object.entries({ records, writers, rounds })) {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got ${JSON.stringify(values[name as keyof typeof values])}`);
}

function runWriter(uri: string, database: string, prefix: string, runId: string, rank: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, uri, database, prefix, runId, String(records), String(rank)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("close", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`writer ${rank} exited with ${code}`))));
  });
}

const target = await startMongoTarget();
const client = new MongoClient(target.uri);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Wall time (ms) from spawning the writers to the last one's exit, every record in MongoDB; each case in a fresh database, dropped after. */
async function fleet(shared: boolean, round: number): Promise<number> {
  const database = `joined_bench_${shared ? "one" : "own"}_${round}_${Date.now()}`;
  try {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, (_, i) => runWriter(target.uri, database, shared ? "bench/joined/one" : `bench/joined/own-${i}`, shared ? `bench-${round}` : "-", i)),
    );
    const wall = performance.now() - started;
    const stored = await client.db(database).collection("logs").countDocuments({});
    if (stored !== writers * records) throw new Error(`${stored} records in MongoDB, expected ${writers * records}`);
    return wall;
  } finally {
    await client.db(database).dropDatabase();
  }
}

try {
  console.log(`# MongoDB fleet: ${writers} writers x ${records} records, ${rounds} rounds (alternating), node ${process.version}`);
  console.log(`# server: ${target.description}`);
  const own: number[] = [];
  const one: number[] = [];
  for (let r = 0; r < rounds; r++) {
    own.push(await fleet(false, r));
    one.push(await fleet(true, r));
  }
  const total = writers * records;
  const rate = (ms: number) => (total / (ms / 1000)).toFixed(0);
  console.log(`${writers} writers, ${writers} experiments : median wall ${median(own).toFixed(0)} ms, ${rate(median(own))} records/s  [${own.map((x) => x.toFixed(0)).join(", ")}]`);
  console.log(`${writers} writers, one joined run: median wall ${median(one).toFixed(0)} ms, ${rate(median(one))} records/s  [${one.map((x) => x.toFixed(0)).join(", ")}]`);
  console.log(`cost of sharing one run: ${((median(one) / median(own) - 1) * 100).toFixed(1)}% wall time (medians)`);
  // Each round's two cases ran back to back, so their ratio sees the same machine load.
  const ratios = one.map((ms, r) => ms / (own[r] as number));
  console.log(`per round, joined / separate: median ${median(ratios).toFixed(3)}  [${ratios.map((x) => x.toFixed(3)).join(", ")}]`);
} finally {
  await client.close();
  await target.stop();
}
