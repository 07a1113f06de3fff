package bitlab.search.hawq;

/**
 * One layer's Hessian trace estimate.
 *
 * @param trace         Hutchinson's estimate of {@code Tr(H_i)} (the block of the loss Hessian for this layer's weights)
 * @param standardError standard error of that estimate (sample standard deviation over the probes / sqrt(probes))
 * @param parameters    the layer's weight count n_i
 * @param probes        probes used
 */
public record LayerTrace(String layer, double trace, double standardError, long parameters, int probes) {
  /** The average trace {@code Tr(H_i) / n_i}: HAWQ-V3's sensitivity. */
  public double average() { return trace / parameters; }

  public double averageError() { return standardError / parameters; }
}
