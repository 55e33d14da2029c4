import { spawn } from "node:child_process";
const srv = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/profs", "dist/child.js", "mongo-server", "{}"], { stdio: ["pipe", "pipe", "inherit"] });
const uri = await new Promise((res) => srv.stdout.on("data", (d) => { const m = String(d).match(/mongodb:\/\/\S+/); if (m) res(m[0]); }));
const child = spawn(process.execPath, ["dist/child.js", "read", JSON.stringify({ source: "mongo", records: 104000, uri, database: "x" })], { stdio: ["ignore", "pipe", "inherit"] });
let out = ""; child.stdout.on("data", (d) => (out += d));
await new Promise((r) => child.on("close", r));
console.log(out.split("\n").filter((l) => l.includes("BENCH_RESULT")).join("\n"));
srv.stdin.end(); await new Promise((r) => srv.on("close", r));
