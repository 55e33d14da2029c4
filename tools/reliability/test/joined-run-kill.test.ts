import { spawn } from "node:child_process";
import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ReadIssue } from "@dashlog/core";
import { jsonlReader } from "@dashlog/local-jsonl";
import { expect, it } from "vitest";
import { TEST_TIMEOUT_MS, scaled } from "./support/long-tests.js";
import { sandbox } from "./support/sandbox.js";

const LOGGER = fileURLToPath(new URL("./fixtures/joined-logger.mjs", import.meta.url));
const PREFIX = "reliability/joined/run";
const WORKERS = 8;
/** Records per worker: 100,000 in the long run (issue 17's figure), fewer on every push. */
const RECORDS = scaled(3_000, 100_000);
const VICTIM = 4;

interface Line {
  readonly seq: number;
  readonly worker: string;
  readonly i: number;
}

/** Every record, through the reader: a kill inside the victim's write(2) may leave one unfinished line, which it reports as torn. */
async function readLines(root: string): Promise<{ lines: Line[]; issues: ReadIssue[] }> {
  const lines: Line[] = [];
  const issues: ReadIssue[] = [];
  for await (const record of jsonlReader({ root }).read(PREFIX, { onIssue: (issue) => issues.push(issue) })) {
    lines.push({ seq: record.sequenceNumber, worker: String(record["worker"]), i: (record.metadata as { i: number }).i });
  }
  return { lines, issues };
}

function start(root: string, rank: number, count: string) {
  const child = spawn(process.execPath, [LOGGER, root, PREFIX, count], {
    env: { ...process.env, RANK: String(rank), DASHLOG_RUN_ID: "reliability-1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

it(
  `${WORKERS} processes x ${RECORDS} records into one joined run, one SIGKILLed midway: 0 lost, 0 duplicated, the run FAILED naming it, its gap accounted for`,
  async () => {
    const box = await sandbox();
    try {
      const logs = join(box.dir, PREFIX, "logs", "logs.jsonl");
      const workers = Array.from({ length: WORKERS }, (_, rank) => start(box.dir, rank, rank === VICTIM ? "forever" : String(RECORDS)));
      // Killed once it wrote about half of what the others write (counted from the new bytes only).
      const victimField = `"worker":"${VICTIM}"`;
      let offset = 0;
      let seen = 0;
      let partial = "";
      while (seen < RECORDS / 2) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const handle = await open(logs, "r").catch(() => undefined);
        if (handle === undefined) continue;
        try {
          const { size } = await handle.stat();
          if (size <= offset) continue;
          const buffer = Buffer.alloc(size - offset);
          await handle.read(buffer, 0, buffer.length, offset);
          offset = size;
          const lines = (partial + buffer.toString("utf8")).split("\n");
          partial = lines.pop() ?? "";
          for (const line of lines) if (line.includes(victimField)) seen++;
        } finally {
          await handle.close();
        }
      }
      workers[VICTIM]?.child.kill("SIGKILL");
      const exits = await Promise.all(workers.map((w) => w.exited));
      exits.forEach((e, rank) => expect(e).toEqual(rank === VICTIM ? { code: null, signal: "SIGKILL" } : { code: 0, signal: null }));

      const { lines, issues } = await readLines(box.dir);
      expect(issues.filter((issue) => issue.kind !== "torn")).toEqual([]);
      expect(issues.length).toBeLessThanOrEqual(1);
      const seqs = new Set(lines.map((l) => l.seq));
      expect(seqs.size).toBe(lines.length);
      for (let rank = 0; rank < WORKERS; rank++) {
        const mine = lines.filter((l) => l.worker === String(rank));
        // Each worker's records in order, none missing: a gap-free prefix for the victim, all of them for the others.
        const firstWrong = mine.findIndex((l, index) => l.i !== index);
        expect(firstWrong, `worker ${rank}: record ${firstWrong} is ${JSON.stringify(mine[firstWrong])}`).toBe(-1);
        if (rank !== VICTIM) expect(mine).toHaveLength(RECORDS);
      }
      const [run] = await jsonlReader({ root: box.dir }).runs(PREFIX);
      expect(run?.status).toBe("FAILED");
      expect(run?.error?.message).toContain(`worker ${VICTIM} crashed`);
      // Every number the counter handed out is a record, stated unused by a worker that ended,
      // after the victim's last record in its own reservations, or stated unrecorded (a block the
      // victim took from the counter as it was killed, before its part listed it).
      const victimPart = run?.workers?.find((w) => w.worker === String(VICTIM));
      const victimNumbers = (victimPart?.reserved ?? []).flatMap((r) => Array.from({ length: r.count }, (_, k) => r.first + k));
      const victimUsed = lines.filter((l) => l.worker === String(VICTIM)).map((l) => l.seq);
      expect(victimUsed).toEqual(victimNumbers.slice(0, victimUsed.length));
      let accounted = 0;
      let reserved = 0;
      for (const part of run?.workers ?? []) {
        for (const r of part.reserved) reserved += r.count;
        for (const r of part.unusedSequenceNumbers ?? []) accounted += r.count;
      }
      accounted += victimNumbers.length - victimUsed.length;
      expect(lines.length + accounted).toBe(reserved);
      const unrecorded = (victimPart?.unrecordedSequenceNumbers ?? []).reduce((sum, r) => sum + r.count, 0);
      expect(run?.workers?.filter((w) => w !== victimPart).flatMap((w) => w.unrecordedSequenceNumbers ?? [])).toEqual([]);
      expect(victimPart?.takenSequenceNumbers).toBe(victimNumbers.length + unrecorded);
      const counter = (await readFile(join(box.dir, PREFIX, ".sequence"), "utf8")).trim();
      const next = /^\d+$/.test(counter) ? Number(counter) : (JSON.parse(counter) as { next: number }).next;
      expect(lines.length + accounted + unrecorded).toBe(next);
    } finally {
      await box.remove();
    }
  },
  TEST_TIMEOUT_MS,
);
