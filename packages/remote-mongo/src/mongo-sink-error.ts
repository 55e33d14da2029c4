import { DashlogError } from "@dashlog/core";
import { redactSecrets } from "./redact-uri.js";

/** A MongoDB operation of the sink or reader failed. The message never holds the URI's password. */
export class MongoSinkError extends DashlogError {
  /** What was being done, e.g. `connect`, `openRun`, `insert`. */
  readonly operation: string;
  /** The driver's error class name (MongoNetworkError, MongoServerError, ...), when there was one. */
  readonly causeName: string | undefined;
  /** The server's error code, when there was one (11000, 10107, ...). */
  readonly serverCode: number | undefined;

  constructor(operation: string, message: string, cause?: { name: string; code?: number | undefined }) {
    super("DASHLOG_MONGO", message);
    this.operation = operation;
    this.causeName = cause?.name;
    this.serverCode = cause?.code;
  }
}

/**
 * Wraps a driver error for the user. The original is not kept as `cause`: its message and
 * stack may echo a connection string, so only its name, code and redacted message survive.
 */
export function toMongoSinkError(operation: string, context: string, error: unknown, secrets: readonly string[]): MongoSinkError {
  if (error instanceof MongoSinkError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  const reason = error instanceof Error ? error.message : String(error);
  const code = typeof (error as { code?: unknown } | null)?.code === "number" ? ((error as { code: number }).code) : undefined;
  return new MongoSinkError(operation, redactSecrets(`${context}: ${name}: ${reason}`, secrets), { name, code });
}
