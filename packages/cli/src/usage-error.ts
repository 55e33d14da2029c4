/** A mistake on the command line (unknown option, missing argument): exit code 2, as most tools do. */
export class UsageError extends Error {
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}
