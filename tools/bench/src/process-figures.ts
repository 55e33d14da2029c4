/** What a case's own process used: CPU time and peak resident set size. */
export interface ProcessFigures {
  /** User + system CPU time of the whole process so far, in ms (startup included). */
  readonly cpuTotalMs: number;
  /** Peak resident set size of the process, in bytes (`getrusage` maxrss). */
  readonly maxRssBytes: number;
}

export function processFigures(): ProcessFigures {
  const cpu = process.cpuUsage();
  return { cpuTotalMs: (cpu.user + cpu.system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

/** CPU time (user + system) in ms since `since` (a `process.cpuUsage()` reading). */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}
