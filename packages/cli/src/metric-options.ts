import type { MetricReadOptions } from "@dashlog/core";
import { stringOption, type OptionSpec, type ParsedCommand } from "./command-spec.js";
import { UsageError } from "./usage-error.js";

/** The options `tail` and `export` share for reading a metric or a track instead of a stream. */
export const METRIC_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  metric: { type: "string", value: "NAME", description: "read metric NAME (exp.metrics(NAME), or ml-dash's) instead of a stream" },
  "from-index": { type: "string", value: "N", description: "with --metric: only points from index N" },
  "to-index": { type: "string", value: "N", description: "with --metric: only points up to index N" },
  track: { type: "string", value: "NAME", description: "read ml-dash track NAME (tracks/NAME/, local only) instead of a stream" },
};

/** What to read: a stream (the default), a metric with its bounds, or a track. */
export type Source =
  | { readonly kind: "stream" }
  | { readonly kind: "metric"; readonly name: string; readonly fromIndex: number | undefined; readonly toIndex: number | undefined; readonly worker: string | undefined }
  | { readonly kind: "track"; readonly name: string };

export function sourceOption(parsed: ParsedCommand, command: string): Source {
  const metric = stringOption(parsed, "metric");
  const track = stringOption(parsed, "track");
  const fromIndex = indexOption(parsed, "from-index", command);
  const toIndex = indexOption(parsed, "to-index", command);
  const chosen = [metric, track, stringOption(parsed, "stream")].filter((v) => v !== undefined).length;
  if (chosen > 1) throw new UsageError("--stream, --metric and --track cannot be used together", command);
  if ((fromIndex !== undefined || toIndex !== undefined) && metric === undefined) throw new UsageError("--from-index and --to-index need --metric", command);
  // `--worker` is declared by each command (tail has it for records too).
  const worker = stringOption(parsed, "worker");
  if (metric !== undefined) return { kind: "metric", name: metric, fromIndex, toIndex, worker };
  if (worker !== undefined && track !== undefined) throw new UsageError("--worker applies to records and --metric, not to --track", command);
  if (track !== undefined) return { kind: "track", name: track };
  return { kind: "stream" };
}

export function metricReadOptions(source: Source & { kind: "metric" }, bounds: Pick<MetricReadOptions, "since" | "until" | "signal" | "onIssue">): MetricReadOptions {
  return { ...bounds, fromIndex: source.fromIndex, toIndex: source.toIndex, worker: source.worker };
}

function indexOption(parsed: ParsedCommand, name: string, command: string): number | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--${name} must be a non-negative whole number, got ${JSON.stringify(text)}`, command);
  return Number(text);
}
