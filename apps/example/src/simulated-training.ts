import type { Run } from "@dashlog/core";

export interface TrainingOptions {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** Seeds the pseudo-random losses so a run is reproducible. */
  readonly seed: number;
  /**
   * Milliseconds to wait after each step, for watching the run live (`pnpm example --serve`);
   * with a pace, each step also logs its loss at debug level. Default 0: as fast as it goes.
   */
  readonly paceMs?: number | undefined;
}

/** A deterministic pseudo-random generator (mulberry32), so the example's output is stable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class CheckpointError extends Error {
  override name = "CheckpointError";
}

/**
 * Pretends to train a model: each epoch is a span with steps inside, losses fall with
 * noise, memory runs low once (a warning), and one checkpoint save fails (an error that is
 * caught, logged with its details, and survived).
 */
export async function simulateTraining(exp: Run, options: TrainingOptions): Promise<void> {
  const next = random(options.seed);
  const paceMs = options.paceMs ?? 0;
  const weights: number[][] = [];
  exp.log("Training started", { metadata: { epochs: options.epochs, steps_per_epoch: options.stepsPerEpoch } });
  exp.log("Model architecture: ResNet-50", { level: "debug" });
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    await exp.span("epoch", epoch, async () => {
      for (let step = 0; step < options.stepsPerEpoch; step++) {
        weights.push(Array.from({ length: 256 }, next)); // some allocation for the memory consumers to see
        if (paceMs > 0) {
          const globalStep = (epoch - 1) * options.stepsPerEpoch + step;
          exp.log(`step ${globalStep}`, { level: "debug", metadata: { step: globalStep, loss: round(2.3 / (epoch + step / options.stepsPerEpoch) + next() * 0.1) } });
          await new Promise((resolve) => setTimeout(resolve, paceMs));
        } else if (step % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const trainLoss = 2.3 / epoch + next() * 0.05;
      const valLoss = trainLoss + 0.1 + next() * 0.05;
      exp.log(`Epoch ${epoch} complete`, {
        metadata: { epoch, train_loss: round(trainLoss), val_loss: round(valLoss), learning_rate: 0.001 / epoch },
      });
    });
    if (epoch === Math.ceil(options.epochs / 2)) {
      exp.log("GPU memory low", { level: "warn", metadata: { gpu_memory_free_mb: 312 } });
      weights.length = 0;
    }
    if (epoch === options.epochs - 1) {
      try {
        await exp.span("io", `checkpoint-${epoch}`, async () => {
          throw new CheckpointError(`disk quota exceeded while saving checkpoint-${epoch}.pt`);
        });
      } catch (error) {
        const e = error as Error;
        exp.log(`Failed to save checkpoint: ${e.message}`, {
          level: "error",
          metadata: { error_type: e.name, error_message: e.message },
        });
      }
    }
  }
  exp.log("Training complete");
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
