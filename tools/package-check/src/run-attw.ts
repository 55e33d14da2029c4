import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import { problemAffectsResolutionKind, problemKindInfo } from "@arethetypeswrong/core/problems";
import type { Problem, ResolutionKind } from "@arethetypeswrong/core/types";
import type { Finding } from "./finding.js";

/**
 * are-the-types-wrong on the packed tarball, read locally (nothing is fetched), with the
 * `esm-only` profile of its CLI: the `node10` and `node16-cjs` resolutions are not checked,
 * because dashlog packages are ESM-only on purpose.
 */
export const ATTW_RESOLUTIONS: readonly ResolutionKind[] = ["node16-esm", "bundler"];

export async function runAttw(name: string, tarball: Uint8Array): Promise<Finding[]> {
  const result = await checkPackage(createPackageFromTarballData(tarball));
  if (result.types === false) {
    return [{ package: name, check: "attw:untyped", message: "are-the-types-wrong found no types in the package" }];
  }
  const findings: Finding[] = [];
  for (const problem of result.problems) {
    if (!ATTW_RESOLUTIONS.some((kind) => problemAffectsResolutionKind(problem, kind, result))) continue;
    findings.push({ package: name, check: `attw:${problem.kind}`, message: `${problemKindInfo[problem.kind].title}: ${describe(problem)}` });
  }
  return findings;
}

function describe(problem: Problem): string {
  const parts: string[] = [];
  if ("entrypoint" in problem) parts.push(`entrypoint ${problem.entrypoint}`);
  if ("resolutionKind" in problem) parts.push(`resolution ${problem.resolutionKind}`);
  if ("fileName" in problem) parts.push(`file ${problem.fileName}`);
  if ("typesFileName" in problem) parts.push(`types ${problem.typesFileName}`);
  return parts.join(", ") || problemKindInfo[problem.kind].shortDescription;
}
