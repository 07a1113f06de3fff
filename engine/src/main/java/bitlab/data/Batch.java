package bitlab.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One mini-batch: images {@code x} as float32 {@code [B, C, H, W]} (normalised like their
 * {@link Samples}), the same labels one-hot as float32 {@code [B, classes]}, and as integers.
 */
public record Batch(INDArray x, INDArray oneHot, int[] labels) {
  /** The number of images in this batch (the last batch of an epoch may be smaller). */
  public int size() {
    return labels.length;
  }
}
