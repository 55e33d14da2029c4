import { closeSync, openSync, writeSync } from "node:fs";

/**
 * `experiment.json` as ml-dash writes it. `ml-dash upload` finds experiments only through
 * this file, and wants `name`, `project` and a `prefix`, so a tree dashlog wrote can be
 * uploaded like one ml-dash wrote.
 */
export interface ExperimentJson {
  readonly name: string;
  readonly project: string;
  readonly description: string | null;
  readonly tags: readonly string[];
  readonly bindrs: readonly string[];
  readonly prefix: string;
  readonly metadata: null;
  readonly created_at: string;
  readonly write_protected: boolean;
}

/** What dashlog writes for `prefix` (`owner/project/.../name`) created at `createdAt` (ISO). */
export function experimentJsonFor(prefix: string, createdAt: string): ExperimentJson {
  const segments = prefix.split("/");
  return {
    name: segments.at(-1) as string,
    // ml-dash's layout is owner/project/...; a one-segment prefix has no project, so it names itself.
    project: segments[1] ?? (segments[0] as string),
    description: null,
    tags: [],
    bindrs: [],
    prefix,
    metadata: null,
    created_at: createdAt,
    write_protected: false,
  };
}

/**
 * Creates `path` with the experiment's description unless it exists. The exclusive create
 * means an existing file (ml-dash's, with its tags and description) is never overwritten,
 * even by a writer racing this one. Returns true when it wrote the file.
 */
export function ensureExperimentJson(path: string, prefix: string, createdAt: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(experimentJsonFor(prefix, createdAt), null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}
