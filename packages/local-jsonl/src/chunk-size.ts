import { InvalidArgumentError } from "@dashlog/core";

/** Bytes read per call: large enough to amortise system calls, small enough to bound memory. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** Returns `value` (or the default) after checking it is a positive integer. */
export function checkChunkSize(value: number | undefined, field = "chunkSize"): number {
  if (value === undefined) return DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(field, value, "must be a positive integer number of bytes");
  }
  return value;
}
