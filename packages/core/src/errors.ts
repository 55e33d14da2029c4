import { describeValue } from "./describe-value.js";

/** Base class of every error dashlog throws on purpose; `code` is stable for programs. */
export class DashlogError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument or option had the wrong type or value. */
export class InvalidArgumentError extends DashlogError {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, expected: string) {
    super("DASHLOG_INVALID_ARGUMENT", `${field} ${expected}, got ${describeValue(value)}`);
    this.field = field;
    this.value = value;
  }
}

export class InvalidLevelError extends DashlogError {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown) {
    super(
      "DASHLOG_INVALID_LEVEL",
      `${field} must be one of debug, info, warn, error, fatal; got ${describeValue(value)}`,
    );
    this.field = field;
    this.value = value;
  }
}

/** The prefix (or a stream name) cannot be used as a safe relative path. */
export class InvalidPrefixError extends DashlogError {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, reason: string) {
    super("DASHLOG_INVALID_PREFIX", `${field} ${describeValue(value)} is not allowed: ${reason}`);
    this.field = field;
    this.value = value;
  }
}

/** Metadata could not be stored as JSON; `path` points at the offending value. */
export class InvalidMetadataError extends DashlogError {
  readonly path: string;
  readonly value: unknown;
  constructor(path: string, value: unknown, reason: string) {
    super("DASHLOG_INVALID_METADATA", `${path} ${reason} (got ${describeValue(value)})`);
    this.path = path;
    this.value = value;
  }
}

/** Another live writer holds the experiment. */
export class ExperimentLockedError extends DashlogError {
  readonly prefix: string;
  readonly holder: string;
  constructor(prefix: string, holder: string, hint: string) {
    super(
      "DASHLOG_EXPERIMENT_LOCKED",
      `experiment ${JSON.stringify(prefix)} is already being written by ${holder}; ${hint}`,
    );
    this.prefix = prefix;
    this.holder = holder;
  }
}

/** A run method was called in a state that does not allow it (e.g. log after the run ended). */
export class RunStateError extends DashlogError {
  constructor(message: string) {
    super("DASHLOG_RUN_STATE", message);
  }
}

/**
 * A run ended, but some of its records never reached the sink (it kept failing for the run's
 * `endTimeoutMs`, and `writeSync` could not take them either). `experiment.run(fn)` rejects
 * with it instead of returning as if all was well; `summary` says what was and was not
 * written, and `result` holds what `fn` returned.
 */
export class UnwrittenRecordsError extends DashlogError {
  readonly unwritten: number;
  readonly summary: unknown;
  readonly result: unknown;
  constructor(experiment: string, unwritten: number, summary: unknown, result: unknown, cause?: unknown) {
    super(
      "DASHLOG_RECORDS_UNWRITTEN",
      `${unwritten} record(s) of ${JSON.stringify(experiment)} could not be written: the sink kept failing until the run's end gave up`,
      cause === undefined ? undefined : { cause },
    );
    this.unwritten = unwritten;
    this.summary = summary;
    this.result = result;
  }
}

/**
 * Thrown by a sink's `write` or `writeSync` that stored part of what it was offered (a disk
 * that filled up half-way): `stored[i]` records from the start of offered batch `i` are stored.
 * Core counts them as written and offers only the rest again; `cause` is the real failure.
 */
export class PartialWriteError extends DashlogError {
  readonly stored: readonly number[];
  constructor(stored: readonly number[], cause: unknown) {
    super("DASHLOG_PARTIAL_WRITE", `${stored.reduce((a, b) => a + b, 0)} record(s) were stored before the write failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.stored = stored;
  }
}
