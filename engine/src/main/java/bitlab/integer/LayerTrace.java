package bitlab.integer;

/**
 * One row of a trace: a step's output compared with the float64 simulation of the same integer
 * arithmetic (which must match exactly) and with the fake-quantized float model (which rounds real
 * products and may differ by a code here and there).
 *
 * @param simMismatches   elements whose code differs from the dyadic simulation (0 when bit-exact)
 * @param simMaxDiff      largest |code difference| from it
 * @param fakeMismatches  elements whose code differs from the fake-quantized model's (-1: not comparable)
 * @param fakeMaxDiff     largest |code difference| from it (logits: largest |float difference|)
 */
public record LayerTrace(
    String node,
    String op,
    String shape,
    int bits,
    float scale,
    int zeroPoint,
    String multipliers,
    long elements,
    long simMismatches,
    double simMaxDiff,
    long fakeMismatches,
    double fakeMaxDiff) {

  public boolean exact() {
    return simMismatches == 0;
  }
}
