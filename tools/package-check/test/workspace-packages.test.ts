import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkPublishedPackage } from "../src/check-package.js";
import { compareWithKnown, readKnownFindings } from "../src/known-findings.js";
import { publishedPackages } from "../src/published-packages.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const known = readKnownFindings(fileURLToPath(new URL("../known-findings.json", import.meta.url)));
const packages = publishedPackages(root);

describe("every published package under packages/* (built first: pnpm build)", () => {
  it("finds the published packages, and only those", () => {
    expect(packages.map((p) => p.name)).toContain("@dashlog/pino");
    expect(packages.every((p) => p.manifest["private"] !== true)).toBe(true);
  });

  it.each(packages.map((p) => [p.name, p] as const))("%s has no problem beyond tools/package-check/known-findings.json", async (name, pkg) => {
    const report = await checkPublishedPackage(pkg);
    const { unexpected, resolved } = compareWithKnown(name, report.findings, known);
    for (const check of resolved) console.info(`${name}: ${check} is fixed; remove it from tools/package-check/known-findings.json`);
    expect(unexpected.map((f) => `${f.check}: ${f.message}`)).toEqual([]);
  });

  it("@dashlog/pino has no known problem either", () => {
    expect(known["@dashlog/pino"]).toBeUndefined();
  });
});
