import { pino, type Logger, type LoggerOptions } from "pino";

/** A real pino logger whose output lines are parsed and kept, to assert on what pino wrote. */
export function capturingLogger(options: LoggerOptions = {}): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: "debug", ...options },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines };
}
