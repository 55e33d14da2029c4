import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { extractSnippets } from "./extract-snippets.js";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export interface ReadmeCheckResult {
  readonly snippets: number;
  readonly ran: number;
  /** Type errors, as tsc prints them; empty when all snippets type-check. */
  readonly typeErrors: string;
  /** Per executed snippet: its README line and what it printed. */
  readonly outputs: { line: number; stdout: string; stderr: string }[];
}

/**
 * Type-checks every TypeScript snippet of `<packageDir>/README.md` against the built
 * packages (snippets sit inside the package, so its own name and its dependencies resolve
 * as they would for a user), then runs the runnable ones with Node in an empty folder.
 */
export async function checkReadme(packageDir: string): Promise<ReadmeCheckResult> {
  const readme = await readFile(join(packageDir, "README.md"), "utf8");
  const snippets = extractSnippets(readme);
  const dir = join(packageDir, ".readme-snippets");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const files = snippets.map((_, i) => join(dir, `snippet-${i + 1}.ts`));
  await Promise.all(snippets.map((s, i) => writeFile(files[i] as string, s.code)));
  await writeFile(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: relative(dir, findUp(packageDir, "tsconfig.base.json")),
      compilerOptions: { noEmit: true, declaration: false, declarationMap: false, noUnusedLocals: false },
      include: ["./*.ts"],
    }),
  );
  let typeErrors = "";
  try {
    await run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    typeErrors = `${e.stdout ?? ""}${e.stderr ?? ""}` || e.message;
  }
  const outputs: ReadmeCheckResult["outputs"] = [];
  if (typeErrors === "") {
    const workDir = await mkdtemp(join(tmpdir(), "dashlog-readme-"));
    try {
      for (const [i, snippet] of snippets.entries()) {
        if (!snippet.run) continue;
        const js = ts.transpileModule(snippet.code, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText;
        const file = join(dir, `snippet-${i + 1}.mjs`);
        await writeFile(file, js);
        const { stdout, stderr } = await run(process.execPath, [file], { cwd: workDir, maxBuffer: 16 * 1024 * 1024 });
        outputs.push({ line: snippet.line, stdout, stderr });
      }
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }
  return { snippets: snippets.length, ran: outputs.length, typeErrors, outputs };
}

function findUp(from: string, name: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) throw new Error(`no ${name} above ${from}`);
  }
}
