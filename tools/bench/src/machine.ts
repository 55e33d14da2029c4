import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

export interface Machine {
  readonly node: string;
  readonly cpu: string;
  readonly nproc: number;
  readonly memory: string;
  readonly loadAverage: readonly number[];
  readonly platform: string;
}

/** What BENCHMARKS.md states about the machine: `nproc`, `free -h`, the CPU model, node, the load average now. */
export function describeMachine(): Machine {
  return {
    node: process.version,
    cpu: cpuModel(),
    nproc: cpus().length,
    memory: freeTotal(),
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    platform: `${process.platform} ${process.arch}`,
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line !== undefined) return line.slice(line.indexOf(":") + 1).trim();
  } catch {
    // not Linux: fall through
  }
  return cpus()[0]?.model ?? "unknown";
}

function freeTotal(): string {
  try {
    const out = execFileSync("free", ["-h"], { encoding: "utf8" });
    const mem = out.split("\n").find((l) => l.startsWith("Mem:"));
    if (mem !== undefined) {
      const [, total, used, free, , , available] = mem.split(/\s+/);
      return `${total} total, ${used} used, ${free} free, ${available} available`;
    }
  } catch {
    // no procps: fall through
  }
  return `${(totalmem() / 2 ** 30).toFixed(1)} GiB total`;
}
