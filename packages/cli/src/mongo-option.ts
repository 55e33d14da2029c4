import type { OptionSpec } from "./command-spec.js";

export const MONGO_OPTION: OptionSpec = {
  type: "string",
  value: "URI",
  description: "read from MongoDB at URI (mongodb://host/db) instead of local files",
};
