// Entry point of every child process: `node dist/child.js <case> <json options>`.
// The result is printed as one line after RESULT_MARK; anything else on stdout is ignored.
import { CASES } from "./case-runner.js";
import { RESULT_MARK } from "./child-markers.js";

const [name, json] = process.argv.slice(2);
if (name === "mongo-server") {
  await (await import("./mongo-server-process.js")).serveMongo();
} else {
  const run = name === undefined ? undefined : CASES[name];
  if (run === undefined) throw new Error(`unknown case ${JSON.stringify(name)}; known: ${Object.keys(CASES).join(", ")}`);
  const result = await run(JSON.parse(json ?? "{}"));
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}
// Loggers and drivers may leave handles open; the case is done.
process.exit(0);
