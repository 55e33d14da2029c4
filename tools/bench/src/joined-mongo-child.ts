// One writer of the MongoDB joined-run benchmark: logs COUNT records in bursts of 1,000
// (yielding between bursts, as a training loop does between steps) into PREFIX through
// mongoSink, joining RUN when it is not "-", closes the sink (every record in MongoDB, nothing
// left in the spool), then prints its own time in ms on stdout.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Experiment } from "@dashlog/core";
import { mongoSink } from "@dashlog/remote-mongo";

const [uri = "", database = "", prefix = "", runId = "-", countText = "0", rank = "0"] = process.argv.slice(2);
const count = Number(countText);
// Each writer its own spool: processes that share nothing but the server.
let issues = 0;
const spoolDir = await mkdtemp(join(tmpdir(), "dashlog-joined-mongo-bench-"));
const sink = mongoSink({
  uri,
  database,
  spoolDir,
  // Measure MongoDB taking everything, not the spool taking what the server was slow to take:
  // the single-threaded test server keeps records waiting past the default spillAfterMs.
  flushTimeoutMs: 600_000,
  closeTimeoutMs: 600_000,
  spillAfterMs: 600_000,
  onIssue: (issue) => {
    issues++;
    if (issues === 1) process.stderr.write(`writer ${rank}: ${issue.name}: ${issue.error instanceof Error ? issue.error.message : String(issue.error)} (later issues counted)\n`);
  },
});
const experiment = new Experiment({ prefix, sink, ...(runId === "-" ? {} : { runId, worker: `w${rank}` }) });
const started = performance.now();
await experiment.run(async (exp) => {
  for (let i = 0; i < count; i++) {
    exp.log("step done", { metadata: { i, loss: 1 / (i + 1) } });
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
});
const report = await sink.closeWithReport();
const elapsed = performance.now() - started;
await rm(spoolDir, { recursive: true, force: true });
if (!report.complete) {
  process.stderr.write(`writer ${rank}: not everything reached MongoDB: ${JSON.stringify(report)}\n`);
  process.exit(1);
}
if (issues > 1) process.stderr.write(`writer ${rank}: ${issues} issues\n`);
process.stdout.write(`${elapsed}\n`);
