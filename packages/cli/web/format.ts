import type { ChartUnit } from "../src/report/report-data.js";

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

export const grouped = (n: number): string => n.toLocaleString("en-US");

export function plural(n: number, word: string): string {
  return `${grouped(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** Times are shown in UTC, like the stored records, so a page reads the same everywhere. */
export function fmtTime(ms: number | null | undefined, withMs = false): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  const d = new Date(ms);
  const s = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return withMs ? `${s}.${pad(d.getUTCMilliseconds(), 3)}` : s;
}

export function fmtClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min ${s % 60} s`;
}

export function fmtNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e9)) return n.toExponential(2);
  return n.toLocaleString("en-US", { maximumFractionDigits: abs < 1 ? 4 : 2 });
}

export function fmtBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = Math.abs(n);
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${n < 0 ? "-" : ""}${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatterFor(unit: ChartUnit): (v: number) => string {
  if (unit === "bytes") return fmtBytes;
  if (unit === "percent") return (v) => `${fmtNumber(Math.round(v * 10) / 10)} %`;
  if (unit === "ms") return (v) => `${fmtNumber(v)} ms`;
  if (unit === "count") return (v) => grouped(Math.round(v));
  return fmtNumber;
}
