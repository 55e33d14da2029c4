import { appendFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { runStatusSchema, sequenceNumberSchema, type WorkerPartState } from "@dashlog/core";
import { z } from "zod";

const rangeSchema = z.strictObject({ first: sequenceNumberSchema, count: z.number().int().positive() });

/** A line of `workers.jsonl`: a worker's status change (`status`) or a block it reserved (`reserved`). */
const workerLineSchema = z.strictObject({
  runId: z.string().min(1),
  worker: z.string().min(1),
  status: runStatusSchema.optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  pid: z.number().int().optional(),
  hostname: z.string().optional(),
  reserved: rangeSchema.optional(),
  sequenceFloor: sequenceNumberSchema.optional(),
  nextSequenceNumber: sequenceNumberSchema.optional(),
  unusedSequenceNumbers: z.array(rangeSchema).optional(),
  error: z.strictObject({ name: z.string(), message: z.string() }).optional(),
});

export type WorkerLine = z.infer<typeof workerLineSchema>;

/** Appends one line: a single write(2) with O_APPEND, so lines of concurrent workers never interleave. */
export function appendWorkerLine(path: string, line: WorkerLine): void {
  appendFileSync(path, `${JSON.stringify(line)}\n`);
}

/** A stored part before its liveness is judged: what `workers.jsonl` says. */
export type StoredWorkerPart = Omit<WorkerPartState, "effectiveStatus" | "crashReason">;

/**
 * The parts of every joined run of an experiment, by run id, each worker's lines merged in
 * order (a later status overrides; reservations accumulate). Bad lines are skipped (a crash
 * can tear the last one).
 */
export async function readWorkerParts(path: string): Promise<Map<string, StoredWorkerPart[]>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw error;
  }
  const parts = new Map<string, Map<string, { -readonly [K in keyof StoredWorkerPart]: StoredWorkerPart[K] }>>();
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      continue;
    }
    const parsed = workerLineSchema.safeParse(json);
    if (!parsed.success) continue;
    const line = parsed.data;
    let run = parts.get(line.runId);
    if (run === undefined) parts.set(line.runId, (run = new Map()));
    let part = run.get(line.worker);
    if (part === undefined) {
      part = { worker: line.worker, status: "RUNNING", startedAt: line.startedAt ?? "", reserved: [] };
      run.set(line.worker, part);
    }
    if (line.reserved !== undefined) part.reserved = [...part.reserved, line.reserved];
    if (line.status !== undefined) part.status = line.status;
    if (line.startedAt !== undefined && part.startedAt === "") part.startedAt = line.startedAt;
    if (line.endedAt !== undefined) part.endedAt = line.endedAt;
    if (line.pid !== undefined) part.pid = line.pid;
    if (line.hostname !== undefined) part.hostname = line.hostname;
    if (line.sequenceFloor !== undefined && part.sequenceFloor === undefined) part.sequenceFloor = line.sequenceFloor;
    if (line.nextSequenceNumber !== undefined) part.nextSequenceNumber = line.nextSequenceNumber;
    if (line.unusedSequenceNumbers !== undefined) part.unusedSequenceNumbers = line.unusedSequenceNumbers;
    if (line.error !== undefined) part.error = line.error;
  }
  return new Map([...parts].map(([runId, run]) => [runId, [...run.values()]]));
}
