import { InvalidPrefixError } from "./errors.js";

/** What one path segment of a prefix (or a stream name) may look like. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
export const MAX_SEGMENT_LENGTH = 128;
export const MAX_PREFIX_LENGTH = 512;
export const MAX_PREFIX_SEGMENTS = 16;

/**
 * Validates an experiment prefix such as `alice/project/my-experiment` and returns it.
 * Each `/`-separated segment starts with a letter, digit, `_` or `-`, continues with those
 * or `.`, and does not end with `.`; so `..`, hidden folders, absolute paths, backslashes,
 * NUL, empty segments and Windows drive letters can never reach a file system path.
 */
export function validatePrefix(prefix: unknown, field = "prefix"): string {
  if (typeof prefix !== "string") {
    throw new InvalidPrefixError(field, prefix, "it must be a string such as \"alice/project/run-1\"");
  }
  if (prefix.length === 0) throw new InvalidPrefixError(field, prefix, "it is empty");
  if (prefix.length > MAX_PREFIX_LENGTH) {
    throw new InvalidPrefixError(field, prefix, `it is longer than ${MAX_PREFIX_LENGTH} characters`);
  }
  if (prefix.includes("\0")) throw new InvalidPrefixError(field, prefix, "it contains a NUL character");
  if (prefix.includes("\\")) {
    throw new InvalidPrefixError(field, prefix, "it contains a backslash; separate segments with /");
  }
  if (prefix.startsWith("/")) throw new InvalidPrefixError(field, prefix, "it is an absolute path; use a relative one");
  const segments = prefix.split("/");
  if (segments.length > MAX_PREFIX_SEGMENTS) {
    throw new InvalidPrefixError(field, prefix, `it has more than ${MAX_PREFIX_SEGMENTS} segments`);
  }
  segments.forEach((segment, index) => checkSegment(field, prefix, segment, index));
  return prefix;
}

/** Validates a stream name (one segment: it becomes a file name). */
export function validateStreamName(name: unknown, field = "stream name"): string {
  if (typeof name !== "string") throw new InvalidPrefixError(field, name, "it must be a string");
  checkSegment(field, name, name, 0);
  return name;
}

function checkSegment(field: string, whole: string, segment: string, index: number): void {
  const where = `segment ${index + 1}`;
  if (segment.length === 0) throw new InvalidPrefixError(field, whole, `${where} is empty (check for // or a trailing /)`);
  if (segment === "." || segment === "..") {
    throw new InvalidPrefixError(field, whole, `${where} is ${JSON.stringify(segment)}, which would leave the folder`);
  }
  if (segment.length > MAX_SEGMENT_LENGTH) {
    throw new InvalidPrefixError(field, whole, `${where} is longer than ${MAX_SEGMENT_LENGTH} characters`);
  }
  if (!SEGMENT.test(segment)) {
    throw new InvalidPrefixError(
      field,
      whole,
      `${where} ${JSON.stringify(segment)} may only hold letters, digits, ".", "_" and "-", and must not start with "."`,
    );
  }
  if (segment.endsWith(".")) throw new InvalidPrefixError(field, whole, `${where} must not end with "."`);
}
