import type { Level } from "@dashlog/core";

/** core's levels, least severe first; copied as a value because core's entry point is Node-only. */
export const LEVELS: readonly Level[] = ["debug", "info", "warn", "error", "fatal"];
