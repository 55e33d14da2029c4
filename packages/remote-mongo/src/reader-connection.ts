import { InvalidArgumentError } from "@dashlog/core";
import { MongoClient } from "mongodb";
import { toMongoSinkError } from "./mongo-sink-error.js";
import { resolveConnection, type MongoConnectionOptions, type ResolvedConnection } from "./mongo-options.js";
import { redactUri, uriSecrets } from "./redact-uri.js";

export interface ReaderConnectionOptions extends MongoConnectionOptions {
  /** Documents fetched per query. Default 1,000. */
  readonly pageSize?: number;
}

/** What a reader keeps of its options: the checked connection, its client and its page size. */
export interface ReaderConnection {
  readonly connection: ResolvedConnection;
  readonly client: MongoClient;
  readonly pageSize: number;
  /** The URI's credentials, taken out of every error message. */
  readonly secrets: readonly string[];
  readonly redactedUri: string;
}

/** Checks a reader's options once (errors name `what` and the option, never the password) and makes its client. */
export function openReaderConnection(options: ReaderConnectionOptions, what: string): ReaderConnection {
  const connection = resolveConnection(
    {
      uri: options.uri,
      ...(options.database === undefined ? {} : { database: options.database }),
      ...(options.collections === undefined ? {} : { collections: options.collections }),
      ...(options.clientOptions === undefined ? {} : { clientOptions: options.clientOptions }),
    },
    what,
  );
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isSafeInteger(pageSize) || pageSize <= 0) throw new InvalidArgumentError(`${what} option pageSize`, pageSize, "must be a positive integer");
  const secrets = uriSecrets(connection.uri);
  const redactedUri = redactUri(connection.uri);
  let client: MongoClient;
  try {
    client = new MongoClient(connection.uri, connection.clientOptions);
  } catch (error) {
    throw toMongoSinkError("connect", `invalid MongoDB connection string ${redactedUri}`, error, secrets);
  }
  return { connection, client, pageSize, secrets, redactedUri };
}
