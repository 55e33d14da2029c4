import { baselineWriter } from "./local-baseline.js";
import { dashlogWriter } from "./local-dashlog.js";
import { pinoWriter } from "./local-pino.js";
import { winstonWriter } from "./local-winston.js";
import type { LocalWriterFactory } from "./local-writer.js";

/** Every local writer the benchmark compares, by the name printed in the table. */
export const LOCAL_VARIANTS: Readonly<Record<string, LocalWriterFactory>> = {
  "dashlog exp.log -> localJsonl": dashlogWriter(),
  "dashlog, retain: 1 (no in-memory history)": dashlogWriter({ retain: 1 }),
  "pino async minLength 4096 (same fields)": pinoWriter({ sync: false, minLength: 4096, sameFields: true }),
  "pino sync minLength 4096 (same fields)": pinoWriter({ sync: true, minLength: 4096, sameFields: true }),
  "pino async minLength 0 (same fields)": pinoWriter({ sync: false, minLength: 0, sameFields: true }),
  "pino sync minLength 0 (same fields)": pinoWriter({ sync: true, minLength: 0, sameFields: true }),
  "pino.transport pino/file worker thread (same fields)": pinoWriter({ sync: false, minLength: 0, sameFields: true, worker: true }),
  "pino async minLength 4096 (pino defaults)": pinoWriter({ sync: false, minLength: 4096, sameFields: false }),
  "winston File transport": winstonWriter,
  "baseline JSON.stringify + writeSync 64 KiB": baselineWriter,
};

export const LOCAL_VARIANT_NAMES: readonly string[] = Object.keys(LOCAL_VARIANTS);
