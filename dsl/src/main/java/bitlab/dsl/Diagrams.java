package bitlab.dsl;

import bitlab.dsl.display.Diagram;
import bitlab.dsl.hawq.HawqDiagram;
import bitlab.dsl.hawq.HawqResult;
import bitlab.dsl.integer.IntegerDiagram;
import bitlab.dsl.tensor.TensorQuantizer;
import bitlab.integer.IntegerModel;
import bitlab.search.hawq.Plan;

/**
 * Pictures of the ideas the tutorials teach, drawn from the values of a run so that they stay true:
 * {@code Diagrams.grid(quantizer(4, -1.0, 2.0), 0.3, 2.5)}, {@code Diagrams.hawq(plan)}, {@code Diagrams.haq(result)},
 * {@code Diagrams.integer(iq)}.
 * Each is a {@link Diagram}: an SVG, and the same content as text (which the prose checker can read).
 * The charts of one value live with it: {@code q.chart(from, to)} (the staircase and the STE's surrogate),
 * {@code q.gradientChart(from, to)} (the STE's gradient), {@code w.clipping(bits).tradeoff()} (clipping against
 * rounding noise).
 */
public final class Diagrams {
  private Diagrams() {}

  /** A quantizer's affine map: the real line with its grid of representable values, the codes, and where each of {@code xs} goes. */
  public static Diagram grid(TensorQuantizer q, double... xs) {
    return q.grid(xs);
  }

  /** HAWQ-V3's pipeline with the numbers of one plan: traces, Ω per candidate, the integer program, the bits. */
  public static Diagram hawq(HawqResult plan) {
    return HawqDiagram.of(plan.plan());
  }

  /** The same for an engine plan. */
  public static Diagram hawq(Plan plan) {
    return HawqDiagram.of(plan);
  }

  /** One layer's speed-up over W8A8 on a target at every pair of widths 2..8: the table and its heatmap. */
  public static bitlab.dsl.hardware.Speedups speedups(
      bitlab.hardware.Target target, bitlab.hardware.LayerWorkload layer) {
    return bitlab.dsl.hardware.Speedups.of(target, layer);
  }

  /** Test accuracy of quantized models at each batch size, as a table and a chart (dynamic ranges move with the batch). */
  public static bitlab.dsl.quant.BatchSizes batchSizes(
      bitlab.data.Dataset data, int[] sizes, bitlab.quant.QuantizedModel... models) {
    return bitlab.dsl.quant.BatchSizes.of(data, java.util.List.of(models), sizes);
  }

  /**
   * HAQ's loop with the numbers of one search: the agent's state, its action and the bits it maps to, the repair to the
   * budget, quantization (with fine-tuning if on), the reward, and the best policy.
   */
  public static Diagram haq(bitlab.search.haq.HaqResult result) {
    return bitlab.dsl.haq.HaqDiagram.of(result);
  }

  /** An integer-only program: one box per step with its widths and dyadic rescales {@code b/2^c}. */
  public static Diagram integer(IntegerModel iq) {
    return IntegerDiagram.of(iq);
  }
}
