/** The message every local writer logs. */
export const MESSAGE = "Epoch completed";

/** The metadata of record `i`: what a training loop logs per step (built fresh for every call, as a caller would). */
export function metadataFor(i: number): Record<string, unknown> {
  return {
    epoch: i >>> 10,
    step: i,
    train_loss: 0.25 + (i % 100) / 1000,
    val_loss: 0.5,
    lr: 0.001,
    phase: "train",
  };
}
