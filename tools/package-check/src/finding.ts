/** One problem with what a package would publish. */
export interface Finding {
  /** The npm name, e.g. `@dashlog/core`. */
  readonly package: string;
  /** Stable id of the check, e.g. `files:unexpected`, `publint:FILE_DOES_NOT_EXIST`, `attw:NoResolution`. */
  readonly check: string;
  /** What is wrong, naming the file, field or value. */
  readonly message: string;
}
