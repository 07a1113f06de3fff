package bitlab.quant;

/** One scale for the whole tensor, or one per output channel (axis 0 of a weight). */
public enum Granularity {
  PER_TENSOR,
  PER_CHANNEL
}
