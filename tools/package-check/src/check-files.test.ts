import { describe, expect, it } from "vitest";
import { checkFiles } from "./check-files.js";

const files = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v)]));

describe("checkFiles", () => {
  it("accepts package.json, README.md, LICENSE, CHANGELOG.md and dist output with maps to published files", () => {
    const packed = files({
      "package.json": "{}",
      "README.md": "",
      LICENSE: "",
      "CHANGELOG.md": "",
      "dist/index.js": "export {};\n//# sourceMappingURL=index.js.map",
      "dist/index.js.map": JSON.stringify({ sources: ["index.js"] }),
      "dist/index.d.ts": "export {};\n",
    });
    expect(checkFiles("p", packed)).toEqual([]);
  });

  it("accepts the command files the manifest's bin names, and only those", () => {
    const packed = files({ "package.json": "{}", "bin/tool.js": "import '../dist/bin.js';\n", "bin/other.js": "" });
    expect(checkFiles("p", packed, { bin: { tool: "./bin/tool.js" } }).map((f) => [f.check, f.message.split(" ")[0]])).toEqual([
      ["files:unexpected", "bin/other.js"],
    ]);
    expect(checkFiles("p", files({ "bin/tool.js": "" }), { bin: "bin/tool.js" })).toEqual([]);
  });

  it("reports tests, fixtures and build info, and anything outside dist", () => {
    const packed = files({
      "dist/a.test.js": "",
      "dist/fixtures/data.js": "",
      "dist/tsconfig.build.tsbuildinfo": "",
      "vitest.config.ts": "",
      "bench/run.js": "",
    });
    expect(checkFiles("p", packed).map((f) => [f.check, f.message.split(" ")[0]])).toEqual([
      ["files:not-for-users", "dist/a.test.js"],
      ["files:not-for-users", "dist/fixtures/data.js"],
      ["files:not-for-users", "dist/tsconfig.build.tsbuildinfo"],
      ["files:unexpected", "vitest.config.ts"],
      ["files:unexpected", "bench/run.js"],
    ]);
  });

  it("reports maps to unpublished sources and files naming unpublished maps, once per kind", () => {
    const packed = files({
      "dist/a.js": "//# sourceMappingURL=a.js.map",
      "dist/a.js.map": JSON.stringify({ sources: ["../src/a.ts"] }),
      "dist/b.js.map": JSON.stringify({ sourceRoot: "../src/", sources: ["b.ts"] }),
      "dist/c.d.ts": "//# sourceMappingURL=c.d.ts.map",
    });
    expect(checkFiles("p", packed)).toEqual([
      {
        package: "p",
        check: "files:map-source-missing",
        message: expect.stringMatching(/^2 source map link\(s\) point at files that are not published \(e\.g\. dist\/a\.js\.map -> src\/a\.ts\)/),
      },
      { package: "p", check: "files:map-missing", message: expect.stringContaining("dist/c.d.ts -> dist/c.d.ts.map") },
    ]);
  });
});
