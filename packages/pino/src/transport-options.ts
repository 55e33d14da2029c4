import { InvalidArgumentError, validatePrefix } from "@dashlog/core";

/** `pino.transport({ target: "@dashlog/pino/transport", options })`: the options must be plain data, they cross into a worker thread. */
export interface DashlogTransportOptions {
  /** The experiment the application's logs go to, e.g. `alice/service/api`. */
  readonly prefix: string;
  /** Root folder of the JSONL files; a relative path resolves against the process's working directory. Default `.dash`. */
  readonly root?: string;
  /** When the JSONL sink fsyncs: `"close"` (default), `"batch"` or `"never"` (see @dashlog/local-jsonl). */
  readonly fsync?: "close" | "batch" | "never";
  /** Where pino puts the message. Default: the logger's `messageKey`, which pino tells the transport. */
  readonly messageKey?: string;
  /** Where pino puts a logged error. Default: the logger's `errorKey`. */
  readonly errorKey?: string;
}

/** Checks the transport's options in the worker, so a mistake names the option instead of failing later on a write. */
export function parseTransportOptions(options: unknown): DashlogTransportOptions {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError("@dashlog/pino/transport options", options, "must be an object like { prefix, root }");
  }
  const o = options as Record<string, unknown>;
  // Other keys are not refused: pino and thread-stream add their own (`pinoWillSendConfig`, `$context`, ...).
  const prefix = validatePrefix(o["prefix"], "@dashlog/pino/transport option prefix");
  const root = o["root"];
  if (root !== undefined && (typeof root !== "string" || root === "")) {
    throw new InvalidArgumentError("@dashlog/pino/transport option root", root, "must be a non-empty path");
  }
  const fsync = o["fsync"];
  if (fsync !== undefined && fsync !== "close" && fsync !== "batch" && fsync !== "never") {
    throw new InvalidArgumentError("@dashlog/pino/transport option fsync", fsync, 'must be "close", "batch" or "never"');
  }
  for (const key of ["messageKey", "errorKey"] as const) {
    const value = o[key];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new InvalidArgumentError(`@dashlog/pino/transport option ${key}`, value, "must be a non-empty string");
    }
  }
  return {
    prefix,
    ...(root === undefined ? {} : { root: root as string }),
    ...(fsync === undefined ? {} : { fsync }),
    ...(o["messageKey"] === undefined ? {} : { messageKey: o["messageKey"] as string }),
    ...(o["errorKey"] === undefined ? {} : { errorKey: o["errorKey"] as string }),
  };
}
