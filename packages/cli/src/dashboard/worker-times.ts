/** A worker's records between two kept points: a few hundred, like the log index's checkpoints. */
const EVERY = 256;

interface Track {
  sequences: Float64Array;
  times: Float64Array;
  length: number;
  /** Records of the worker seen, and its last one. */
  count: number;
  lastSequence: number;
  lastTime: number;
}

/**
 * When each worker of a joined run logged which sequence number, kept sparsely (every EVERY-th
 * record of each worker, and its last). A joined run's log file holds the workers' batches one
 * after another, so its sequence numbers jump back and forth; each worker's own grow. A record
 * of another stream that carries no time of its own (a memory sample) is placed by its worker's
 * log records, not by the file's.
 */
export class WorkerTimes {
  readonly #tracks = new Map<string, Track>();

  /** A log record of `worker`, in the order the worker wrote them. */
  note(worker: string, sequence: number, time: number): void {
    let track = this.#tracks.get(worker);
    if (track === undefined) {
      track = { sequences: new Float64Array(16), times: new Float64Array(16), length: 0, count: 0, lastSequence: sequence, lastTime: time };
      this.#tracks.set(worker, track);
    }
    if (track.count % EVERY === 0) {
      if (track.length === track.sequences.length) {
        const sequences = new Float64Array(track.length * 2);
        sequences.set(track.sequences);
        const times = new Float64Array(track.length * 2);
        times.set(track.times);
        track.sequences = sequences;
        track.times = times;
      }
      track.sequences[track.length] = sequence;
      track.times[track.length] = time;
      track.length++;
    }
    track.count++;
    track.lastSequence = sequence;
    track.lastTime = time;
  }

  /** Wall-clock ms of `worker`'s sequence number: exact at kept points, interpolated between; undefined for a worker with no log record. */
  timeOf(worker: string, sequence: number): number | undefined {
    const track = this.#tracks.get(worker);
    if (track === undefined) return undefined;
    let lo = 0;
    let hi = track.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((track.sequences[mid] as number) <= sequence) lo = mid;
      else hi = mid - 1;
    }
    const s0 = track.sequences[lo] as number;
    const t0 = track.times[lo] as number;
    const s1 = lo + 1 < track.length ? (track.sequences[lo + 1] as number) : track.lastSequence;
    const t1 = lo + 1 < track.length ? (track.times[lo + 1] as number) : track.lastTime;
    if (sequence <= s0 || s1 <= s0) return t0;
    if (sequence >= s1) return t1;
    return t0 + ((t1 - t0) * (sequence - s0)) / (s1 - s0);
  }
}
