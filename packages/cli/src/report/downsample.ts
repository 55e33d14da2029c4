type Point = readonly [number, number];

/**
 * At most about `max` points: the first and last, and per bucket its lowest and highest
 * point in x order, so spikes (an OOM, a stall) survive where averaging would hide them.
 */
export function downsample(points: readonly Point[], max: number): Point[] {
  if (points.length <= max) return [...points];
  const buckets = Math.max(1, Math.floor((max - 2) / 2));
  const inner = points.length - 2;
  const out: Point[] = [points[0] as Point];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (from >= to) continue;
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      const y = (points[i] as Point)[1];
      if (y < (points[lo] as Point)[1]) lo = i;
      if (y > (points[hi] as Point)[1]) hi = i;
    }
    for (const i of lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo]) out.push(points[i] as Point);
  }
  out.push(points[points.length - 1] as Point);
  return out;
}
