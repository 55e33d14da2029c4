import { hostname } from "node:os";
import { InvalidArgumentError } from "./errors.js";

/**
 * Worker names and run ids end up in file names (lock files), MongoDB keys and CLI arguments:
 * letters, digits and `. _ : @ -` only, so `hostname:pid` and torch's `RANK` values fit as they are.
 */
export const WORKER_NAME_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
export const WORKER_NAME_RULE = "must be 1 to 128 characters among letters, digits and . _ : @ -";
const NAME = WORKER_NAME_PATTERN;

/** Who this process is and which run it joins, resolved once when the Experiment is built. */
export interface WorkerIdentity {
  /** This process's part: the `worker` option, else `RANK`, else `hostname:pid`. */
  readonly worker: string;
  /** The shared run id: the `runId` option, else `DASHLOG_RUN_ID`; undefined for a run of its own. */
  readonly runId: string | undefined;
}

/**
 * The worker name and run id from the options and the environment. Validated here, once:
 * `what` names the source in the error (the option, or the environment variable).
 */
export function resolveWorkerIdentity(
  options: { readonly worker?: string | undefined; readonly runId?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): WorkerIdentity {
  const worker =
    options.worker !== undefined
      ? checkName("Experiment option worker", options.worker)
      : env["RANK"] !== undefined && env["RANK"] !== ""
        ? checkName("environment variable RANK (the default worker name)", env["RANK"])
        : `${hostname()}:${process.pid}`;
  const runId =
    options.runId !== undefined
      ? checkName("Experiment option runId", options.runId)
      : env["DASHLOG_RUN_ID"] !== undefined && env["DASHLOG_RUN_ID"] !== ""
        ? checkName("environment variable DASHLOG_RUN_ID", env["DASHLOG_RUN_ID"])
        : undefined;
  return { worker: NAME.test(worker) ? worker : sanitize(worker), runId };
}

/** True for a string usable as a worker name or run id. */
export function isWorkerName(value: unknown): value is string {
  return typeof value === "string" && NAME.test(value);
}

function checkName(field: string, value: unknown): string {
  if (!isWorkerName(value)) {
    throw new InvalidArgumentError(field, value, WORKER_NAME_RULE);
  }
  return value;
}

/** A host name with unusual characters still makes a usable default (`hostname:pid`). */
function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9._:@-]/g, "_").slice(0, 128);
}
