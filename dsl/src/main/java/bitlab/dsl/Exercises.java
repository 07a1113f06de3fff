package bitlab.dsl;

import bitlab.dsl.exercise.BopsExercise;
import bitlab.dsl.exercise.ClipSearchExercise;
import bitlab.dsl.exercise.DyadicExercise;
import bitlab.dsl.exercise.FakeQuantizerExercise;
import bitlab.dsl.exercise.HutchinsonExercise;
import bitlab.model.Model;

/**
 * The tutorials' implement-it exercises. Each returns a checker whose {@code check(...)} takes the student's lambda
 * and answers with a {@link bitlab.dsl.exercise.Verdict}: right, or the first input where the lambda and bitlab
 * differ and what the difference is. {@code tutorials/solutions.ipynb} has a solution to each.
 */
public final class Exercises {
  private Exercises() {}

  /** {@code (x, scale, zeroPoint, qmin, qmax) -> x̂}: quantize, clamp, dequantize (chapter 1). */
  public static FakeQuantizerExercise fakeQuantizer() {
    return new FakeQuantizerExercise();
  }

  /** {@code (values, bits) -> α}: the clipping value with the smallest mean squared error (chapter 4). */
  public static ClipSearchExercise clipSearch() {
    return new ClipSearchExercise();
  }

  /** {@code (hessianTimes, n, probes, random) -> trace}: Hutchinson's estimator (chapter 10). */
  public static HutchinsonExercise hutchinson() {
    return new HutchinsonExercise();
  }

  /** {@code m -> {b, c}} and {@code (acc, b, c) -> round(acc · b / 2^c)}: a dyadic multiplier (chapter 12). */
  public static DyadicExercise dyadic() {
    return new DyadicExercise();
  }

  /** {@code (layers, policy) -> BOPs}: the bit operations of a mixed policy of {@code net} (chapter 7). */
  public static BopsExercise bops(Model net) {
    return new BopsExercise(net);
  }
}
