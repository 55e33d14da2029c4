#!/usr/bin/env node
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkPublishedPackage } from "./check-package.js";
import { formatInstallSizes, installSizes } from "./install-sizes.js";
import { compareWithKnown, readKnownFindings } from "./known-findings.js";
import { packWorkspace } from "./packed-workspace.js";
import { publishedPackages } from "./published-packages.js";

// Packages are found relative to this tool, so it runs from any working directory.
const root = fileURLToPath(new URL("../../..", import.meta.url));
const strict = process.argv.includes("--strict");
const known = strict ? {} : readKnownFindings(fileURLToPath(new URL("../known-findings.json", import.meta.url)));
let failed = 0;
for (const pkg of publishedPackages(root)) {
  const report = await checkPublishedPackage(pkg);
  const { unexpected, resolved } = compareWithKnown(report.package, report.findings, known);
  const status = report.findings.length === 0 ? "ok" : `${report.findings.length} problem(s), ${unexpected.length} new`;
  console.log(`${report.package}: ${status} (${report.files.length} files)`);
  for (const finding of report.findings) {
    const fix = known[report.package]?.[finding.check];
    console.log(`  ${unexpected.includes(finding) ? "NEW  " : "known"} ${finding.check}  ${finding.message}${fix === undefined ? "" : `\n        fix: ${fix}`}`);
  }
  for (const check of resolved) console.log(`  fixed ${check}: remove it from tools/package-check/known-findings.json`);
  if (unexpected.length > 0) failed++;
}
if (failed > 0) console.log(`\n${failed} package(s) with new problems${strict ? "" : " (known ones are listed in tools/package-check/known-findings.json)"}`);
process.exitCode = failed === 0 ? 0 : 1;

// --sizes: what each package costs a user, packed and installed with plain npm (slow: one
// npm install per package).
if (process.argv.includes("--sizes")) {
  const scratch = await mkdtemp(join(tmpdir(), "dashlog-sizes-"));
  try {
    const packed = await packWorkspace(publishedPackages(root), join(scratch, "tarballs"));
    console.log(`\n${formatInstallSizes(await installSizes(packed, join(scratch, "projects")))}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
