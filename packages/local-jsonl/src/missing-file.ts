/** ENOENT: the file, or a folder above it, does not exist (yet): for a reader, simply no records. */
export function isMissingFile(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === "ENOENT";
}
