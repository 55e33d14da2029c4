import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkInternalRanges } from "../src/internal-ranges.js";
import { packWorkspace, type PackedPackage } from "../src/packed-workspace.js";
import { publishedPackages } from "../src/published-packages.js";
import { scratchInstall, type ScratchProject } from "../src/scratch-install.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const TSC = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");

/** One export each package must have, so an empty module cannot pass for a loaded one. */
const ENTRY_POINTS: Record<string, string> = {
  "@dashlog/core": "Experiment",
  "@dashlog/events": "logWindow",
  "@dashlog/local-jsonl": "localJsonl",
  "@dashlog/remote-mongo": "mongoSink",
  "@dashlog/cli": "runCli",
  "@dashlog/pino": "pinoSink",
  "@dashlog/pino/transport": "default",
};
/** What such a project has besides: pino for @dashlog/pino, Node's types for TypeScript users. */
const PEERS = { pino: "^10.0.0", "@types/node": "^20.19.0" };

let scratch = "";
let packed: Map<string, PackedPackage>;
let cjs: ScratchProject;
let esm: ScratchProject;

async function node(cwd: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? "", stderr: e.stderr ?? "", code: e.code ?? 1 };
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "dashlog-installed-"));
  packed = await packWorkspace(publishedPackages(root), join(scratch, "tarballs"));
  const all = [...packed.keys()];
  cjs = await scratchInstall(join(scratch, "cjs"), packed, all, "commonjs", PEERS);
  esm = await scratchInstall(join(scratch, "esm"), packed, all, "module", PEERS);
}, 600_000);

afterAll(async () => {
  if (scratch !== "") await rm(scratch, { recursive: true, force: true });
});

describe("every published package, packed and installed with plain npm outside the workspace", () => {
  it("covers every published package", () => {
    expect(Object.keys(ENTRY_POINTS).filter((entry) => !entry.endsWith("/transport")).sort()).toEqual([...packed.keys()].sort());
  });

  it.each(Object.entries(ENTRY_POINTS))("%s loads with require() from CommonJS and with import from ESM, alike", async (entry, name) => {
    const required = await node(cjs.dir, ["-e", "process.stdout.write(JSON.stringify(Object.keys(require(process.argv[1])).sort()))", entry]);
    expect(required.stderr).toBe("");
    expect(required.code).toBe(0);
    const imported = await node(esm.dir, [
      "--input-type=module",
      "-e",
      "const m = await import(process.argv[1]); process.stdout.write(JSON.stringify(Object.keys(m).sort()))",
      entry,
    ]);
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    // require(esm) marks a module that has a default export with __esModule, for transpiled callers.
    const keys = (JSON.parse(required.stdout) as string[]).filter((key) => key !== "__esModule");
    expect(keys).toContain(name);
    expect(keys).toEqual((JSON.parse(imported.stdout) as string[]).filter((key) => key !== "module.exports"));
  });

  it("compiles a CommonJS TypeScript program (module nodenext) against the types and runs it", async () => {
    const dir = join(cjs.dir, "ts");
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "nodenext", target: "es2022", strict: true, types: ["node"], lib: ["es2023", "esnext.disposable"], skipLibCheck: false } }),
    );
    await writeFile(
      join(dir, "main.ts"),
      [
        'import { Experiment, MemorySink } from "@dashlog/core";',
        "const sink = new MemorySink();",
        'void new Experiment({ prefix: "alice/cjs/check", sink }).run((exp) => {',
        '  exp.log("from CommonJS", { metadata: { loss: 0.5 } });',
        "}).then(() => console.log(JSON.stringify(sink.logs(\"alice/cjs/check\").map((r) => [r.message, r.metadata]))));",
      ].join("\n"),
    );
    const compiled = await node(dir, [TSC, "-p", "tsconfig.json"]);
    expect(compiled.stdout + compiled.stderr).toBe("");
    const ran = await node(dir, ["main.js"]);
    expect(ran.stderr).toBe("");
    expect(JSON.parse(ran.stdout)).toEqual([["from CommonJS", { loss: 0.5 }]]);
  });

  it("have one version, and every dashlog dependency accepts it", () => {
    expect(checkInternalRanges(packed)).toEqual([]);
  });
});

describe("what a package installs", () => {
  it("@dashlog/core with @dashlog/events installs them and zod, and no pino", async () => {
    const project = await scratchInstall(join(scratch, "core-events"), packed, ["@dashlog/core", "@dashlog/events"], "module");
    expect(project.installed.map((p) => p.replace(/@[^@]+$/, ""))).toEqual(["@dashlog/core", "@dashlog/events", "zod"]);
  }, 300_000);

  it("@dashlog/cli alone reads local files, without the MongoDB driver or a chart library, and says what --mongo needs", async () => {
    const project = await scratchInstall(join(scratch, "cli"), packed, ["@dashlog/cli"], "module");
    const names = project.installed.map((p) => p.replace(/@[^@]+$/, ""));
    // The dashboard's chart and table libraries are bundled into its dist at build time.
    for (const name of ["mongodb", "@dashlog/remote-mongo", "echarts", "uplot", "@tanstack/virtual-core", "esbuild"]) expect(names).not.toContain(name);
    // The command as npm links it: node_modules/.bin/dashlog -> the package's bin/dashlog.js.
    const bin = join(project.dir, "node_modules", ".bin", "dashlog");
    const ls = await node(project.dir, [bin, "ls", "--root", join(project.dir, "empty")]);
    expect(ls.code).toBe(0);
    const mongo = await node(project.dir, [bin, "ls", "--mongo", "mongodb://127.0.0.1:9/dashlog"]);
    expect(mongo.stderr).toContain("--mongo needs @dashlog/remote-mongo, which is not installed: npm i -g @dashlog/remote-mongo");
    expect(mongo.code).toBe(2);
  }, 300_000);
});
