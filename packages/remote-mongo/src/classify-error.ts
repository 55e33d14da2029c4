export const DUPLICATE_KEY = 11000;

/**
 * Server codes that mean "not now, try again": stepdowns, shutdowns, interrupted
 * operations, network trouble reported by a router, timeouts.
 */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  64, // WriteConcernFailed
  112, // WriteConflict
  133, // FailedToSatisfyReadPreference
  134, // ReadConcernMajorityNotAvailableYet
  10058, // LegacyNotPrimary
  16500, // ExceededMemoryLimit on Atlas / rate limited
]);

const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoServerSelectionError",
  "MongoPoolClearedError",
  "MongoOperationTimeoutError",
  "MongoWaitQueueTimeoutError",
  "MongoServerClosedError",
  "MongoTopologyClosedError",
]);

/** True for a per-document or command error code worth retrying. */
export function isTransientCode(code: unknown): boolean {
  return typeof code === "number" && TRANSIENT_CODES.has(code);
}

/**
 * True when the whole operation failed for a reason that passes (network, stepdown,
 * timeout, pool cleared), as opposed to an error about the data itself.
 */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; errorLabels?: unknown; hasErrorLabel?: (label: string) => boolean };
  if (typeof e.name === "string" && TRANSIENT_NAMES.has(e.name)) return true;
  if (isTransientCode(e.code)) return true;
  if (typeof e.hasErrorLabel === "function") {
    return e.hasErrorLabel("RetryableWriteError") || e.hasErrorLabel("TransientTransactionError") || e.hasErrorLabel("ResetPool");
  }
  return false;
}
