package bitlab.dsl.quant;

import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.integer.Deployment;
import bitlab.integer.IntegerModel;
import bitlab.model.Evaluation;
import bitlab.quant.QuantizedModel;

/**
 * A quantized model as a notebook holds it ({@code quantize(...).build()}): the engine's {@link QuantizedModel} with
 * what would be deployed of it as methods, {@link #integer()} and {@link #evaluate(Dataset)}. The engine keeps these
 * in {@link Deployment}, above the quantization package, so that it and the integer package do not depend on each
 * other.
 */
public final class Quantized extends QuantizedModel {
  private Quantized(QuantizedModel q) {
    super(q);
  }

  /** {@code q} with the notebook's conveniences (itself if it has them). */
  public static Quantized of(QuantizedModel q) {
    return q instanceof Quantized d ? d : new Quantized(q);
  }

  /**
   * The same network on integers only (dyadic requantization, int32 accumulators, only the logits dequantized);
   * an {@code IntegerException} saying why when the executor cannot run it.
   */
  public IntegerModel integer() {
    return Deployment.integer(this);
  }

  /** The integer program if this model compiles to one, else null ({@link #whyNotInteger()} says why). */
  public IntegerModel deployable() {
    return Deployment.program(this);
  }

  /** Why this model has no integer program (null when it has one). */
  public String whyNotInteger() {
    return Deployment.refusal(this);
  }

  /**
   * Top-1 accuracy of what would be deployed: the integer-only program whenever this model compiles to one, image for
   * image; otherwise the fake-quantized simulation, and the evaluation's name says "simulated".
   */
  public Evaluation evaluate(Samples samples) {
    return Deployment.evaluate(this, samples);
  }

  /** The same on the data set's test split, with the model's preprocessing applied. */
  public Evaluation evaluate(Dataset data) {
    return Deployment.evaluate(this, data);
  }
}
