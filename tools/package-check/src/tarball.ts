import { gunzipSync } from "node:zlib";

const BLOCK = 512;

/**
 * The files of an npm tarball (gzip'd ustar), keyed by their path inside the package
 * (the leading `package/` removed). Enough of tar for what npm and pnpm write: regular
 * files, ustar name prefixes and pax `path` records.
 */
export function readTarball(gzipped: Uint8Array): Map<string, Uint8Array> {
  const tar = gunzipSync(gzipped);
  const files = new Map<string, Uint8Array>();
  let offset = 0;
  let paxPath: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = Number.parseInt(text(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = text(header, 345, 155);
    const name = prefix === "" ? text(header, 0, 100) : `${prefix}/${text(header, 0, 100)}`;
    const body = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(Buffer.from(body).toString("utf8"))?.[1];
      continue;
    }
    if (type !== "0" && type !== "\0") {
      paxPath = undefined;
      continue;
    }
    const path = (paxPath ?? name).replace(/^[^/]+\//, "");
    paxPath = undefined;
    files.set(path, body);
  }
  return files;
}

function text(block: Uint8Array, start: number, length: number): string {
  const bytes = block.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString("utf8");
}
