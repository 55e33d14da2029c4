import { createRequire } from "node:module";

/** The package's own version, read once from its package.json. */
export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
