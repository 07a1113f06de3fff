package bitlab.integer;

import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.model.Evaluation;
import bitlab.quant.QuantizedModel;

/**
 * What would be deployed of a quantized model: its integer-only program whenever it compiles to one, so that the
 * accuracy reported is the integer model's, image for image; otherwise (dynamic ranges, float layers, widths the
 * executor does not run) its fake-quantized simulation, and the evaluation's name says "simulated". The program is
 * compiled once per quantized model and kept with it. Here, above {@code bitlab.quant}, because the program is compiled
 * from the quantized model: the quantization package does not know the integer one.
 */
public final class Deployment {
  private Deployment() {}

  /** The program, or why the executor refused the model. */
  private record Compiled(IntegerModel program, String refusal) {}

  /** The integer program if {@code q} compiles to one, else null ({@link #refusal} says why). */
  public static IntegerModel program(QuantizedModel q) {
    return compiled(q).program();
  }

  /** Why {@code q} has no integer program (null when it has one). */
  public static String refusal(QuantizedModel q) {
    return compiled(q).refusal();
  }

  /** The integer program of {@code q}; an {@link IntegerException} saying why when the executor refuses it. */
  public static IntegerModel integer(QuantizedModel q) {
    Compiled c = compiled(q);
    if (c.program() == null) throw new IntegerException(c.refusal());
    return c.program();
  }

  /** Top-1 accuracy of what would be deployed (see the class comment). */
  public static Evaluation evaluate(QuantizedModel q, Samples samples) {
    IntegerModel iq = program(q);
    return iq != null ? iq.evaluate(samples) : q.simulate(samples);
  }

  /** The same on the data set's test split, with the model's preprocessing applied. */
  public static Evaluation evaluate(QuantizedModel q, Dataset data) {
    return evaluate(q, q.source().prepare(data).test());
  }

  private static Compiled compiled(QuantizedModel q) {
    return q.derived(Compiled.class, m -> {
      try {
        return new Compiled(IntegerCompiler.compile(m), null);
      } catch (IntegerException e) {
        return new Compiled(null, e.getMessage());
      }
    });
  }
}
