import type { RunRecord, RunState } from "@dashlog/core";
import type { ExperimentStore } from "./experiment-store.js";

/** One line of `dashlog ls`. */
export interface ExperimentSummary {
  readonly prefix: string;
  /** Status of the latest run, or `UNKNOWN` when the experiment has streams but no run records. */
  readonly status: RunRecord["status"] | "UNKNOWN";
  readonly runs: number;
  /** Start of the latest run. */
  readonly startedAt: string | null;
  /** End of the latest run; null while it runs. */
  readonly endedAt: string | null;
  /** Records in the `logs` stream. */
  readonly records: number;
  /** Records per stream, `logs` first. */
  readonly streams: Readonly<Record<string, number>>;
  /** Points per metric, by name. */
  readonly metrics: Readonly<Record<string, number>>;
  /** How many parameters (dotted keys) the experiment has. */
  readonly params: number;
  /** Rows per ml-dash track (local trees only). */
  readonly tracks: Readonly<Record<string, number>>;
  /** When the latest run was joined by several workers: each worker's status (CRASHED for one whose process is gone). */
  readonly workers?: Readonly<Record<string, string>>;
}

export async function summariseExperiment(store: ExperimentStore, prefix: string): Promise<ExperimentSummary> {
  const [runs, streamNames, metricInfos, params, trackInfos] = await Promise.all([
    store.runs(prefix),
    store.listStreams(prefix),
    store.metrics.listMetrics(prefix),
    store.metrics.readParams(prefix),
    store.tracks?.listTracks(prefix) ?? [],
  ]);
  const latest = runs.at(-1);
  const workers = workersOf(latest);
  const streams: Record<string, number> = {};
  for (const name of streamNames) streams[name] = await store.countRecords(prefix, name);
  const metrics: Record<string, number> = {};
  for (const info of metricInfos) metrics[info.name] = info.totalDataPoints;
  const tracks: Record<string, number> = {};
  for (const info of trackInfos) tracks[info.name] = info.rows;
  return {
    prefix,
    status: latest?.status ?? "UNKNOWN",
    runs: runs.length,
    startedAt: latest?.startedAt ?? null,
    endedAt: latest?.endedAt ?? null,
    records: streams["logs"] ?? 0,
    streams,
    metrics,
    params: params === null ? 0 : Object.keys(params.data).length,
    tracks,
    ...(workers === undefined ? {} : { workers }),
  };
}

function workersOf(run: RunRecord | undefined): Record<string, string> | undefined {
  const parts = (run as RunState | undefined)?.workers;
  if (parts === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const part of parts) out[part.worker] = part.effectiveStatus;
  return out;
}
