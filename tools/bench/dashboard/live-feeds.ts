import { markerText, type LiveTiming } from "./live-viewers.js";
import { PREFIX } from "./million-run.js";

/**
 * `feeds` live feeds (`/api/live`) read by this process instead of browsers, while `writeMarkers`
 * logs: the server's side of many viewers, apart from the cost of rendering twenty pages on the
 * same two cores. Each marker's delay is from its record timestamp to the event that carries it.
 */
export async function liveFeeds(origin: string, feeds: number, markers: number, label: string, writeMarkers: () => Promise<void>): Promise<LiveTiming> {
  const controller = new AbortController();
  const seen = Array.from({ length: feeds }, () => new Map<string, number>());
  const readers = Array.from({ length: feeds }, async (_, i) => {
    const response = await fetch(`${origin}/api/live?p=${encodeURIComponent(PREFIX)}`, { signal: controller.signal });
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
          const data = /^data: (.*)$/m.exec(event)?.[1];
          if (!event.startsWith("event: change") || data === undefined) continue;
          const change = JSON.parse(data) as { newest: { rows: [number, number, string, string][] } | null };
          for (const row of change.newest?.rows ?? []) {
            if (row[3].startsWith("marker ") && !seen[i]?.has(row[3])) seen[i]?.set(row[3], Date.now() - row[1]);
          }
        }
      }
    } catch {
      // Aborted at the end.
    }
  });
  await new Promise((r) => setTimeout(r, 500));
  await writeMarkers();
  await new Promise((r) => setTimeout(r, 3000));
  controller.abort();
  await Promise.allSettled(readers);
  const latenciesMs: number[] = [];
  let missed = 0;
  for (const map of seen) {
    for (let m = 0; m < markers; m++) {
      const ms = map.get(markerText(label, m));
      if (ms === undefined) missed++;
      else latenciesMs.push(ms);
    }
  }
  return { viewers: feeds, markers, latenciesMs, missed };
}
