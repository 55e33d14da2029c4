import { posix } from "node:path";
import type { Finding } from "./finding.js";

const ALWAYS_ALLOWED = new Set(["package.json", "README.md", "LICENSE", "CHANGELOG.md"]);
const BUILD_OUTPUT = /^dist\/.+\.(?:js|mjs|cjs|d\.ts|d\.mts|d\.cts|js\.map|mjs\.map|cjs\.map|d\.ts\.map|d\.mts\.map|d\.cts\.map)$/;
const NOT_FOR_USERS = /(?:^|\/)(?:__tests__|__fixtures__|fixtures?|test|tests)\/|\.(?:test|spec|bench)\.[^/]+$|\.tsbuildinfo$/;
const MAP_URL = /\/[/*]# sourceMappingURL=([^\s*]+)/;

/**
 * The packed file list is minimal: package.json, README.md, LICENSE, CHANGELOG.md, the
 * build output in dist/ and the command files the manifest's `bin` names, with no tests,
 * fixtures or build info; and source maps never point at files the tarball does not have (a
 * map to `../src/x.ts` without src/ only confuses debuggers).
 */
export function checkFiles(name: string, files: ReadonlyMap<string, Uint8Array>, manifest: Record<string, unknown> = {}): Finding[] {
  const commands = binFiles(manifest);
  const findings: Finding[] = [];
  const add = (check: string, message: string) => findings.push({ package: name, check, message });
  // One finding per kind, not per file: the fix is one build setting, not forty.
  const missingSources: string[] = [];
  const missingMaps: string[] = [];
  for (const [path, body] of files) {
    if (NOT_FOR_USERS.test(path)) {
      add("files:not-for-users", `${path} is a test, fixture or build-info file: exclude it from "files" (e.g. "!dist/**/*.test.*")`);
      continue;
    }
    if (!ALWAYS_ALLOWED.has(path) && !BUILD_OUTPUT.test(path) && !commands.has(path)) {
      add("files:unexpected", `${path} is published but is neither build output in dist/ nor package.json, README.md, LICENSE: narrow "files"`);
      continue;
    }
    if (path.endsWith(".map")) {
      for (const source of mapSources(path, body)) {
        if (!files.has(source)) missingSources.push(`${path} -> ${source}`);
      }
    } else if (/\.(?:[mc]?js|d\.[mc]?ts)$/.test(path)) {
      const url = MAP_URL.exec(Buffer.from(body).toString("utf8"))?.[1];
      if (url !== undefined && !url.startsWith("data:")) {
        const map = posix.normalize(posix.join(posix.dirname(path), url));
        if (!files.has(map)) missingMaps.push(`${path} -> ${map}`);
      }
    }
  }
  if (missingSources.length > 0) {
    add(
      "files:map-source-missing",
      `${missingSources.length} source map link(s) point at files that are not published (e.g. ${missingSources[0]}): ` +
        'set "sourceMap": false and "declarationMap": false in tsconfig.build.json, or publish the sources',
    );
  }
  if (missingMaps.length > 0) {
    add("files:map-missing", `${missingMaps.length} file(s) name a source map that is not published (e.g. ${missingMaps[0]})`);
  }
  return findings;
}

function mapSources(path: string, body: Uint8Array): string[] {
  let map: { sources?: unknown; sourceRoot?: unknown };
  try {
    map = JSON.parse(Buffer.from(body).toString("utf8")) as typeof map;
  } catch {
    return [path];
  }
  const root = typeof map.sourceRoot === "string" ? map.sourceRoot : "";
  const sources = Array.isArray(map.sources) ? map.sources.filter((s): s is string => typeof s === "string") : [];
  return sources.map((source) => posix.normalize(posix.join(posix.dirname(path), root, source)));
}

/** The files `bin` names (a path, or an object of command names to paths), normalised as in the tarball. */
function binFiles(manifest: Record<string, unknown>): Set<string> {
  const bin = manifest["bin"];
  const paths = typeof bin === "string" ? [bin] : typeof bin === "object" && bin !== null ? Object.values(bin) : [];
  return new Set(paths.filter((p): p is string => typeof p === "string").map((p) => posix.normalize(p)));
}
