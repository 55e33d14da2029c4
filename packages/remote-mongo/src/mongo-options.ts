import { InvalidArgumentError } from "@dashlog/core";
import type { MongoClientOptions } from "mongodb";
import { z } from "zod";
import { redactUri } from "./redact-uri.js";

export interface CollectionNames {
  /** The `logs` stream of every experiment. Default `logs`. */
  readonly logs?: string;
  /** Every other stream, with a `stream` field. Default `streams`. */
  readonly streams?: string;
  /** One document per run: status, start and end. Default `runs`. */
  readonly runs?: string;
  /** One lease per experiment being written. Default `locks`. */
  readonly locks?: string;
  /** Metric points, one document per point: `{ experiment, metric, index, createdAt, data }`. Default `metrics`. */
  readonly metrics?: string;
  /** Parameter changes, one document per `params.set()`: `{ experiment, index, updatedAt, data }`. Default `params`. */
  readonly params?: string;
  /** Joined runs: one document per worker's part (`{ experiment, runId, worker, status, reserved, ... }`). Default `workers`. */
  readonly workers?: string;
  /** Joined runs: one counter per experiment (`{ _id: experiment, next, taken }`), from which workers reserve blocks of numbers; `taken` counts each worker's. Default `counters`. */
  readonly counters?: string;
}

/** Where the data lives; shared by the sink and the reader. */
export interface MongoConnectionOptions {
  /** A MongoDB connection string, e.g. `mongodb://user:pass@localhost:27017/`. Its password is never printed. */
  readonly uri: string;
  /** Database name. Default: the one in the URI's path, else `dashlog`. */
  readonly database?: string;
  readonly collections?: CollectionNames;
  /** Passed to `new MongoClient(uri, options)`, over the defaults (serverSelectionTimeoutMS 5000, socketTimeoutMS 30000, appName dashlog). */
  readonly clientOptions?: MongoClientOptions;
}

export interface ResolvedConnection {
  readonly uri: string;
  readonly database: string;
  readonly collections: Required<CollectionNames>;
  readonly clientOptions: MongoClientOptions;
}

export const DEFAULT_DATABASE = "dashlog";

/** The collection names the sink and the reader use unless told otherwise. */
export const DEFAULT_COLLECTIONS: Readonly<Required<CollectionNames>> = Object.freeze({
  logs: "logs",
  streams: "streams",
  runs: "runs",
  locks: "locks",
  metrics: "metrics",
  params: "params",
  workers: "workers",
  counters: "counters",
});

const collectionName = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[^$\u0000]+$/, "must not contain $ or NUL")
  .refine((s) => !s.startsWith("system."), "must not start with system.");

const connectionSchema = z.object({
  uri: z.string().regex(/^mongodb(\+srv)?:\/\//i, "must start with mongodb:// or mongodb+srv://"),
  database: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[^/\\. "$*<>:|?\u0000]+$/, "must not contain / \\ . space \" $ * < > : | ? or NUL")
    .optional(),
  collections: z
    .strictObject({
      logs: collectionName.optional(),
      streams: collectionName.optional(),
      runs: collectionName.optional(),
      locks: collectionName.optional(),
      metrics: collectionName.optional(),
      params: collectionName.optional(),
      workers: collectionName.optional(),
      counters: collectionName.optional(),
    })
    .optional(),
  clientOptions: z.custom<MongoClientOptions>((v) => typeof v === "object" && v !== null, { message: "must be an object of MongoClient options" }).optional(),
});

/** The database named in a connection string's path, if any. */
export function databaseFromUri(uri: string): string | undefined {
  const afterScheme = uri.replace(/^mongodb(\+srv)?:\/\//i, "");
  const slash = afterScheme.indexOf("/");
  if (slash < 0) return undefined;
  const name = afterScheme.slice(slash + 1).split("?")[0] ?? "";
  return name.length === 0 ? undefined : decodeURIComponent(name);
}

/** Checks the connection options once and fills in defaults; errors name the option and never show the password. */
export function resolveConnection(options: MongoConnectionOptions, what: string): ResolvedConnection {
  const parsed = parseWith(connectionSchema, options, what);
  const collections = {
    logs: parsed.collections?.logs ?? DEFAULT_COLLECTIONS.logs,
    streams: parsed.collections?.streams ?? DEFAULT_COLLECTIONS.streams,
    runs: parsed.collections?.runs ?? DEFAULT_COLLECTIONS.runs,
    locks: parsed.collections?.locks ?? DEFAULT_COLLECTIONS.locks,
    metrics: parsed.collections?.metrics ?? DEFAULT_COLLECTIONS.metrics,
    params: parsed.collections?.params ?? DEFAULT_COLLECTIONS.params,
    workers: parsed.collections?.workers ?? DEFAULT_COLLECTIONS.workers,
    counters: parsed.collections?.counters ?? DEFAULT_COLLECTIONS.counters,
  };
  if (new Set(Object.values(collections)).size !== 8) {
    throw new InvalidArgumentError(`${what} option collections`, collections, "must name eight different collections");
  }
  return {
    uri: parsed.uri,
    database: parsed.database ?? databaseFromUri(parsed.uri) ?? DEFAULT_DATABASE,
    collections,
    clientOptions: {
      serverSelectionTimeoutMS: 5000,
      connectTimeoutMS: 5000,
      socketTimeoutMS: 30_000,
      appName: "dashlog",
      ...(parsed.clientOptions ?? {}),
    },
  };
}

/** Parses with a zod schema and turns the first issue into an InvalidArgumentError naming the option (the URI redacted). */
export function parseWith<T>(schema: z.ZodType<T>, options: unknown, what: string): T {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new InvalidArgumentError(`${what} options`, options, "are invalid");
  if (issue.code === "unrecognized_keys") throw new InvalidArgumentError(`${what} options`, issue.keys.join(", "), "include an unknown option");
  const path = issue.path.map(String);
  let value: unknown = options;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  if (path[0] === "uri" && typeof value === "string") value = redactUri(value);
  // The error keeps `value`, and inspecting it would print a whole options object: never with the password.
  if (path.length === 0 && typeof value === "object" && value !== null) {
    const uri = (value as { uri?: unknown }).uri;
    value = { ...value, ...(typeof uri === "string" ? { uri: redactUri(uri) } : {}) };
  }
  const field = path.length === 0 ? `${what} options` : `${what} option ${path.join(".")}`;
  const reason = issue.message.startsWith("must") ? issue.message : `is invalid (${issue.message.replace(/^Invalid input: /, "").toLowerCase()})`;
  throw new InvalidArgumentError(field, value, reason);
}

