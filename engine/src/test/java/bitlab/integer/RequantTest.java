package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import bitlab.quant.Rounding;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequantTest {

  /** Accumulators that hit ties, both signs, the clamps and the int32 extremes. */
  private static int[] accumulators(Random r, int n) {
    int[] acc = new int[n];
    for (int i = 0; i < n; i++) {
      switch (i % 5) {
        case 0: acc[i] = r.nextInt(); break;
        case 1: acc[i] = r.nextInt(4001) - 2000; break;
        case 2: acc[i] = (r.nextInt(201) - 100) * 2 + 1; break; // odd: ties when multiplied by 2^(shift-1)
        case 3: acc[i] = r.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE; break;
        default: acc[i] = r.nextInt(1 << 20) - (1 << 19);
      }
    }
    return acc;
  }

  /** The element-by-element definition: {@link Requant#code} in one loop, channel by channel. */
  private static byte[] oneByOne(int[] acc, int batch, int channels, int plane, Dyadic[] m, Rounding r, int zeroPoint, int lo, int hi) {
    byte[] out = new byte[acc.length];
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        int base = (n * channels + c) * plane;
        for (int i = base; i < base + plane; i++) out[i] = (byte) Requant.code(acc[i], m[c], r, zeroPoint, lo, hi);
      }
    }
    return out;
  }

  @Test void theFastPassEqualsTheElementByElementDefinition() {
    Random r = new Random(7);
    int batch = 3, channels = 5, plane = 7000; // rows big enough to be split between cores
    int[] acc = accumulators(r, batch * channels * plane);
    Dyadic[] shapes = {Dyadic.of(0.00071), Dyadic.of(1.7), new Dyadic(1, 0), new Dyadic(3, 0), new Dyadic(1 << 29, 30),
        new Dyadic(1, 1), new Dyadic(1, 3), new Dyadic(Integer.MAX_VALUE, Dyadic.MAX_SHIFT), new Dyadic(0, 0), Dyadic.of(3e-9)};
    for (Rounding rounding : Rounding.values()) {
      for (int trial = 0; trial < shapes.length; trial++) {
        Dyadic[] m = new Dyadic[channels];
        for (int c = 0; c < channels; c++) m[c] = shapes[(trial + c) % shapes.length];
        for (int[] range : new int[][] {{0, 255, 0}, {0, 255, 37}, {-128, 127, 0}, {-8, 7, -1}, {0, 6, 0}}) {
          byte[] fast = Requant.channels(acc, batch, channels, plane, m, null, rounding, range[2], range[0], range[1]);
          byte[] slow = oneByOne(acc, batch, channels, plane, m, rounding, range[2], range[0], range[1]);
          assertArrayEquals(slow, fast, rounding + " with multipliers from " + m[0] + " into [" + range[0] + ", " + range[1] + "]");
        }
      }
    }
  }

  @Test void tiesRoundAsTheModeSays() {
    int[] acc = {5, -5, 7, -7};
    Dyadic half = new Dyadic(1, 1); // x / 2: every odd accumulator is a tie
    assertEquals("[2, -2, 4, -4]", java.util.Arrays.toString(Requant.channels(acc, 1, 1, 4, new Dyadic[] {half}, null, Rounding.HALF_EVEN, 0, -128, 127)));
    assertEquals("[3, -3, 4, -4]", java.util.Arrays.toString(Requant.channels(acc, 1, 1, 4, new Dyadic[] {half}, null, Rounding.HALF_AWAY, 0, -128, 127)));
    assertEquals("[3, -2, 4, -3]", java.util.Arrays.toString(Requant.channels(acc, 1, 1, 4, new Dyadic[] {half}, null, Rounding.HALF_UP, 0, -128, 127)));
  }

  /** A bias's fraction of a step, carried by the offset, rounds as the exact real {@code (acc + fraction)·m} does. */
  @Test void offsetsAddTheBiasFractionBeforeTheRounding() {
    Random r = new Random(11);
    for (int trial = 0; trial < 2000; trial++) {
      Dyadic m = Dyadic.of(Math.scalb(0.5 + r.nextDouble(), -r.nextInt(12)));
      double fraction = r.nextDouble() - 0.5;
      long acc = r.nextInt(1 << 16) - (1 << 15);
      java.math.BigDecimal exact = java.math.BigDecimal.valueOf(acc).add(new java.math.BigDecimal(fraction))
          .multiply(new java.math.BigDecimal(m.value()));
      long want = exact.setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
      long got = Requant.code(acc, m, m.offset(fraction), Rounding.HALF_EVEN, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
      // The offset keeps the fraction to one unit of 2^-shift: only a value within that of a tie may round the other way.
      double distanceToTie = Math.abs(exact.doubleValue() - Math.floor(exact.doubleValue()) - 0.5);
      if (distanceToTie > Math.scalb(1.0, -m.shift() + 1)) assertEquals(want, got, acc + " + " + fraction + " times " + m);
    }
    int[] acc = {3, 3, 3};
    // 3 steps at m = 1/4 are 0.75 codes: with fractions -0.1, +0.2 and -1.0 of a step they become 0.725, 0.8 and 0.5.
    byte[] out = Requant.channels(acc, 1, 3, 1, new Dyadic[] {new Dyadic(1 << 29, 31), new Dyadic(1 << 29, 31), new Dyadic(1 << 29, 31)},
        new long[] {new Dyadic(1 << 29, 31).offset(-0.1), new Dyadic(1 << 29, 31).offset(0.2), new Dyadic(1 << 29, 31).offset(-1.0)},
        Rounding.HALF_EVEN, 0, -128, 127);
    assertEquals("[1, 1, 0]", java.util.Arrays.toString(out));
  }
}
