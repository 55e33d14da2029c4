import { UsageError } from "./usage-error.js";

/** @dashlog/remote-mongo's API, as the CLI uses it. */
export type RemoteMongo = typeof import("@dashlog/remote-mongo");

/**
 * Loads @dashlog/remote-mongo (and with it the MongoDB driver) only when a command is given a
 * MongoDB URI: it is an optional peer dependency, so a user who only reads local files never
 * downloads it. Missing, it is a usage error that says what to install.
 */
export async function loadRemoteMongo(option: string, command: string): Promise<RemoteMongo> {
  try {
    return await import("@dashlog/remote-mongo");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "ERR_MODULE_NOT_FOUND" || !String((error as Error).message).includes("@dashlog/remote-mongo")) throw error;
    throw new UsageError(
      `${option} needs @dashlog/remote-mongo, which is not installed: npm i -g @dashlog/remote-mongo (beside a global @dashlog/cli), or npm i @dashlog/remote-mongo in the project`,
      command,
    );
  }
}
