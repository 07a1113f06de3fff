package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.model.Op;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.QuantSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * How far the integer executor's look-up tables ({@link LookupStep}) are from the float functions they replace. A
 * float input {@code x} in {@code [-8, 8]} is quantized to the input grid (signed, symmetric, {@code b} bits), looked
 * up, and the output code dequantized; the error is against {@code f(x)} in double. Two parts make it up: the output
 * rounding (at most half an output step, {@code S_out/2}) and the input rounding (at most {@code L·S_in/2} for a
 * function of slope at most {@code L}); the test holds every entry to the first (against {@code f} at its own code's
 * value) and every table to their sum on 200,001 points of the range, and prints the table the engine README quotes:
 *
 * <pre>mvn -q -o test -pl engine -am -Dtest=LookupErrorTest -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class LookupErrorTest {
  private static final double RANGE = 8;
  private static final int POINTS = 200_001;
  private static final List<String> ROWS = new ArrayList<>();

  private static final List<Op.Pointwise> FUNCTIONS = List.of(
      new Op.Sigmoid(),
      new Op.HardSigmoid(1.0 / 6, 0.5),
      new Op.HardSwish(),
      new Op.Silu(),
      new Op.Clip(-1, 2));

  @Test
  void everyTableIsWithinItsRoundingBound() {
    for (int bits : new int[] {8, 6, 4}) {
      for (Op.Pointwise f : FUNCTIONS) ROWS.add(measure(f, bits));
    }
  }

  private static String measure(Op.Pointwise f, int bits) {
    QuantParams in = QuantParams.fromRange(QuantSpec.activations(bits, true), -RANGE, RANGE);
    double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE, slope = 0;
    for (int i = 0; i < POINTS; i++) {
      double x = x(i);
      lo = Math.min(lo, f.value(x));
      hi = Math.max(hi, f.value(x));
      slope = Math.max(slope, Math.abs(f.slope(x)));
    }
    QuantParams out = QuantParams.fromRange(QuantSpec.activations(bits, !f.nonNegative()), lo, hi);
    LookupStep t = LookupStep.of("f", "x", f, Shape.vector(1), in, out);
    double max = 0, sum = 0, sIn = in.scale(0), sOut = out.scale(0);
    for (int i = 0; i < POINTS; i++) {
      double x = x(i);
      int code = in.quantize((float) x, 0);
      double y = out.dequantize(t.table()[code - t.first()], 0);
      double e = Math.abs(y - f.value(x));
      max = Math.max(max, e);
      sum += e;
    }
    // The table's own error: each entry against f at its code's value (output rounding alone).
    double atCodes = 0;
    for (int q = t.first(); q < t.first() + t.table().length; q++) {
      double v = in.dequantize(q, 0);
      atCodes =
          Math.max(atCodes, Math.abs(out.dequantize(t.table()[q - t.first()], 0) - f.value(v)));
    }
    assertTrue(
        atCodes <= sOut / 2 * (1 + 1e-5) + 1e-7,
        f.type() + " at " + bits + " bits: an entry is " + atCodes / sOut + " output steps off");
    double bound = sOut / 2 + slope * sIn / 2;
    assertTrue(
        max <= bound * (1 + 1e-5) + 1e-7,
        f.type() + " at " + bits + " bits: the table's error " + max + " exceeds its bound "
            + bound);
    return String.format(
        "| %s | %d | %d | %.4f | %.4f | %.2f | %.2e | %.2e | %.2f | %.2e |",
        f.type(),
        bits,
        t.table().length,
        sIn,
        sOut,
        atCodes / sOut,
        max,
        sum / POINTS,
        max / sOut,
        bound);
  }

  private static double x(int i) {
    return -RANGE + 2 * RANGE * i / (POINTS - 1);
  }

  @AfterAll
  static void table() {
    System.out.println(
        "| function | bits | table entries | S_in | S_out | at the codes / S_out | max error | mean error"
            + " | max error / S_out | bound S_out/2 + L·S_in/2 |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    ROWS.forEach(System.out::println);
  }
}
