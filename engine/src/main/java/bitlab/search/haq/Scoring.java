package bitlab.search.haq;

import bitlab.quant.PtqConfig;

/**
 * How policies are scored: {@code heldOut} of the training split (stratified, seeded) is set aside;
 * {@code evaluation} images of it are the fixed subset every policy is scored on, and
 * {@code calibration} images of the rest calibrate activation ranges. The test split is never used.
 *
 * <p>{@code integer} (the default) runs each quantized policy on the integer-only executor, the
 * arithmetic a deployed model uses, at about a third of the CPU time per image of the fake-quantized
 * float graph on mobilenet-v2-mini (engine/README.md, "Measured: HAQ"); {@code false} scores with the
 * fake-quantized simulation. A model the executor
 * cannot compile is scored by simulation either way (the result's scoring line says which).
 */
public record Scoring(double heldOut, int evaluation, int calibration, PtqConfig ptq, boolean integer) {
  public static final Scoring DEFAULT = new Scoring(0.2, 1000, 256, PtqConfig.DEFAULT, true);

  public Scoring {
    if (!(heldOut > 0 && heldOut < 1)) throw new HaqException("The held-out fraction must be in (0, 1), got " + heldOut + ".");
    if (evaluation < 1 || calibration < 1) throw new HaqException("Scoring needs at least one evaluation and one calibration image.");
    if (ptq == null) throw new HaqException("Give a PTQ configuration (PtqConfig.DEFAULT).");
  }

  public Scoring withEvaluation(int n) { return new Scoring(heldOut, n, calibration, ptq, integer); }

  public Scoring withCalibration(int n) { return new Scoring(heldOut, evaluation, n, ptq, integer); }

  public Scoring withPtq(PtqConfig c) { return new Scoring(heldOut, evaluation, calibration, c, integer); }

  /** Integer-only execution (true) or the fake-quantized simulation (false). */
  public Scoring withInteger(boolean on) { return new Scoring(heldOut, evaluation, calibration, ptq, on); }
}
