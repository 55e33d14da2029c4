// One writer of the joined-run benchmark: logs COUNT records in bursts of 1,000 (yielding
// between bursts, as a training loop does between steps) into PREFIX, joining RUN when it is
// not "-", then prints its own logging time in ms on stdout.
import { Experiment } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";

const [root = "", prefix = "", runId = "-", countText = "0"] = process.argv.slice(2);
const count = Number(countText);
const experiment = new Experiment({ prefix, sink: localJsonl({ root }), ...(runId === "-" ? {} : { runId }) });
const started = performance.now();
await experiment.run(async (exp) => {
  for (let i = 0; i < count; i++) {
    exp.log("step done", { metadata: { i, loss: 1 / (i + 1) } });
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
});
process.stdout.write(`${performance.now() - started}\n`);
