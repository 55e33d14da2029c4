/**
 * A series' `metadata.json` as ml-dash writes it when there is none yet; an existing one is
 * read instead, so the fields ml-dash put there (description, tags, metricId) are kept.
 */
export function newMetricMetadata(name: string, now: string): Record<string, unknown> {
  return {
    metricId: `local-metric-${name}`,
    name,
    description: null,
    tags: [],
    metadata: null,
    totalDataPoints: 0,
    nextIndex: 0,
    createdAt: now,
  };
}
