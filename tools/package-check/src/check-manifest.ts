import type { Finding } from "./finding.js";

const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"] as const;

/**
 * The published package.json (taken from the tarball) and the files every package must
 * carry: a LICENSE in the package folder, README.md and LICENSE in the tarball, `license`, `engines.node`, `type: module`,
 * `sideEffects: false`, an explicit `files` list, and no `workspace:` range left unpacked.
 */
export function checkManifest(
  name: string,
  manifest: Record<string, unknown>,
  files: ReadonlySet<string>,
  licenseInFolder = true,
): Finding[] {
  const findings: Finding[] = [];
  const add = (check: string, message: string) => findings.push({ package: name, check, message });
  if (!licenseInFolder) add("folder:license", "the package folder has no LICENSE file: copy the root LICENSE into it");
  if (!files.has("README.md")) add("files:readme", "the tarball has no README.md: add one to the package folder");
  if (!files.has("LICENSE")) add("files:license", "the tarball has no LICENSE: copy the root LICENSE into the package folder");
  if (typeof manifest["license"] !== "string" || manifest["license"] === "") {
    add("manifest:license", `package.json "license" must be an SPDX id such as "MIT", got ${JSON.stringify(manifest["license"])}`);
  }
  if (manifest["type"] !== "module") {
    add("manifest:type", `package.json "type" must be "module" (dashlog packages are ESM-only), got ${JSON.stringify(manifest["type"])}`);
  }
  const engines = manifest["engines"] as Record<string, unknown> | undefined;
  if (typeof engines?.["node"] !== "string") {
    add("manifest:engines", `package.json "engines.node" must say which Node versions work, e.g. ">=20.19", got ${JSON.stringify(engines?.["node"])}`);
  }
  if (manifest["sideEffects"] !== false) {
    add("manifest:side-effects", `package.json "sideEffects" must be false (importing a module only defines things), got ${JSON.stringify(manifest["sideEffects"])}`);
  }
  if (!Array.isArray(manifest["files"])) {
    add("manifest:files", 'package.json has no "files" list, so npm would publish everything not ignored: list "dist" and "README.md"');
  }
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field] as Record<string, unknown> | undefined;
    for (const [dep, range] of Object.entries(deps ?? {})) {
      if (typeof range === "string" && range.startsWith("workspace:")) {
        add("manifest:workspace-range", `${field}.${dep} is still ${JSON.stringify(range)} in the packed package.json: pack with pnpm`);
      }
    }
  }
  return findings;
}
