package bitlab.search.hawq;

/**
 * One layer's Hessian trace estimate.
 *
 * @param trace         Hutchinson's estimate of {@code Tr(H_i)} (the block of the loss Hessian for this layer's weights)
 * @param standardError standard error of that estimate (sample standard deviation over the probes / sqrt(probes))
 * @param parameters    the layer's weight count n_i
 * @param probes        probes used
 * @param samples       each probe's {@code v^T H v}, in order (their mean is {@code trace}); empty when not kept
 */
public record LayerTrace(
    String layer,
    double trace,
    double standardError,
    long parameters,
    int probes,
    double[] samples) {
  public LayerTrace {
    samples = samples == null ? new double[0] : samples.clone();
  }

  /** An estimate without its per-probe samples (synthetic traces, published values). */
  public LayerTrace(String layer, double trace, double standardError, long parameters, int probes) {
    this(layer, trace, standardError, parameters, probes, new double[0]);
  }

  /** The average trace {@code Tr(H_i) / n_i}: HAWQ-V3's sensitivity. */
  public double average() {
    return trace / parameters;
  }

  public double averageError() {
    return standardError / parameters;
  }

  /** Each probe's {@code v^T H v} (a copy). */
  @Override
  public double[] samples() {
    return samples.clone();
  }

  /** The running mean of the first k probes' samples, k = 1..probes: how the estimate settled. */
  public double[] runningMean() {
    double[] m = new double[samples.length];
    double s = 0;
    for (int k = 0; k < samples.length; k++) m[k] = (s += samples[k]) / (k + 1);
    return m;
  }
}
