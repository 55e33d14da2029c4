/** A command failure, sent to the client as `{ ok: 0, errmsg, code, codeName }`. */
export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly labels: readonly string[];
  constructor(code: number, codeName: string, message: string, labels: readonly string[] = []) {
    super(message);
    this.name = "CommandError";
    this.code = code;
    this.codeName = codeName;
    this.labels = labels;
  }
}

export function badValue(message: string): CommandError {
  return new CommandError(2, "BadValue", message);
}
