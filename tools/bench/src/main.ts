// `pnpm bench` (root) or `pnpm --filter @dashlog/bench bench`: runs every section, each case in
// child processes of its own, prints a markdown report, and writes it to BENCH_OUT when set
// (the raw figures as JSON to BENCH_JSON). BENCH_FULL=1 for the sizes in BENCHMARKS.md.
import { writeFileSync } from "node:fs";
import { readConfig } from "./config.js";
import { consumersSuite, formatConsumers } from "./consumers-suite.js";
import { formatLatency, latencySuite } from "./latency-suite.js";
import { formatLocal, localSuite } from "./local-suite.js";
import { describeMachine, type Machine } from "./machine.js";
import { formatMel, melSuite } from "./mel-suite.js";
import { formatMemory, memorySuite } from "./memory-suite.js";
import { formatRead, readSuite } from "./read-suite.js";
import { formatRemote, remoteSuite } from "./remote-suite.js";

const config = readConfig();
const progress = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const before = describeMachine();
const started = Date.now();
const sections: string[] = [];
const json: Record<string, unknown> = { config: { ...config, sections: [...config.sections] }, machineBefore: before };

const settings = Object.entries(process.env)
  .filter(([k]) => k.startsWith("BENCH_") || k === "MONGODB_URI")
  .map(([k, v]) => (k === "MONGODB_URI" ? `${k}=<set>` : `${k}=${v}`));

if (config.sections.has("local")) {
  progress("1. local path");
  const result = await localSuite(config, progress);
  json["local"] = result;
  sections.push(`## 1. Local: exp.log vs pino vs winston vs a bare baseline\n\n${formatLocal(result)}`);
}
if (config.sections.has("consumers")) {
  progress("1b. every built-in consumer, whole process");
  const result = await consumersSuite(config, progress);
  json["consumers"] = result;
  sections.push(`## 1b. Every built-in consumer on, whole process\n\n${formatConsumers(result)}`);
}
if (config.sections.has("mel")) {
  progress("2. MultiEventLog overhead");
  const result = await melSuite(config);
  json["mel"] = result;
  sections.push(`## 2. MultiEventLog overhead per event\n\n${formatMel(result)}`);
}
if (config.sections.has("remote")) {
  progress("3. remote path");
  const result = await remoteSuite(config, progress);
  json["remote"] = result;
  sections.push(`## 3. Remote: mongoSink vs the raw driver's insertMany\n\n${formatRemote(result)}`);
}
if (config.sections.has("read")) {
  progress("3b. reading a run back");
  const result = await readSuite(config, progress);
  json["read"] = result;
  sections.push(`## 3b. Reading a run back: MongoDB reader vs local reader\n\n${formatRead(result)}`);
}
if (config.sections.has("memory")) {
  progress("4. memory");
  const result = await memorySuite(config);
  json["memory"] = result;
  sections.push(`## 4. Memory over ${(config.memoryRecords / 1e6).toLocaleString("en-US")}M records with a LogWindow\n\n${formatMemory(result)}`);
}
if (config.sections.has("latency")) {
  progress("5. log call to readable on disk");
  const rows = await latencySuite(config, progress);
  json["latency"] = rows;
  sections.push(`## 5. From a log call to the record readable on disk\n\n${formatLatency(rows)}`);
}

const after = describeMachine();
json["machineAfter"] = after;
const machine = (m: Machine) => `load average ${m.loadAverage.join(", ")}`;
const report = [
  `# dashlog benchmark report`,
  "",
  `Command: \`${[...settings, "pnpm bench"].join(" ")}\` (${new Date(started).toISOString()}, took ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  "",
  `Machine: ${before.cpu}, nproc ${before.nproc}, memory ${before.memory}, node ${before.node}, ${before.platform}; ${machine(before)} at the start, ${machine(after)} at the end.`,
  "",
  ...sections.flatMap((s) => [s, ""]),
].join("\n");

process.stdout.write(`${report}\n`);
const out = process.env["BENCH_OUT"];
if (out !== undefined && out !== "") writeFileSync(out, `${report}\n`);
const jsonOut = process.env["BENCH_JSON"];
if (jsonOut !== undefined && jsonOut !== "") writeFileSync(jsonOut, `${JSON.stringify(json, null, 2)}\n`);
