package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.quant.Rounding;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DyadicTest {

  @Test
  void approximatesTheRealMultiplierTo31Bits() {
    Random r = new Random(1);
    for (int i = 0; i < 10_000; i++) {
      double m = Math.exp(r.nextDouble() * 30 - 25); // 1e-11 .. 1e2
      Dyadic d = Dyadic.of(m);
      assertTrue(d.multiplier() < (1L << 31));
      double rel = Math.abs(d.value() - m) / m;
      if (d.shift() < Dyadic.MAX_SHIFT) {
        assertTrue(d.multiplier() >= (1 << 29), "multiplier " + d + " of " + m + " lost precision");
        assertTrue(rel < 0x1p-29, "relative error " + rel + " for " + m);
      }
    }
    assertEquals(new Dyadic(1 << 30, 30), Dyadic.of(1.0));
    assertEquals(new Dyadic(1 << 30, 31), Dyadic.of(0.5));
    assertEquals(new Dyadic(0, 0), Dyadic.of(0));
  }

  @Test
  void shiftRoundsExactlyInEveryMode() {
    Random r = new Random(2);
    for (int i = 0; i < 20_000; i++) {
      long v = r.nextLong() >> r.nextInt(40);
      int shift = 1 + r.nextInt(40);
      if (i % 5 == 0)
        v = ((long) (r.nextInt(2000) - 1000) << shift)
            + (1L << (shift - 1)) * (r.nextBoolean() ? 1 : -1); // ties
      BigDecimal exact = new BigDecimal(BigInteger.valueOf(v))
          .divide(new BigDecimal(BigInteger.ONE.shiftLeft(shift)));
      assertEquals(
          exact.setScale(0, RoundingMode.HALF_EVEN).longValueExact(),
          Dyadic.shiftRound(v, shift, Rounding.HALF_EVEN),
          "half even " + v + ">>" + shift);
      assertEquals(
          exact.setScale(0, RoundingMode.HALF_UP).longValueExact(),
          Dyadic.shiftRound(v, shift, Rounding.HALF_AWAY),
          "half away " + v + ">>" + shift);
      assertEquals(
          exact.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).longValueExact(),
          Dyadic.shiftRound(v, shift, Rounding.HALF_UP),
          "half up " + v + ">>" + shift);
    }
  }

  @Test
  void applyingItMatchesTheRealProductRoundedInTheSameMode() {
    Random r = new Random(3);
    for (int i = 0; i < 5_000; i++) {
      Dyadic d = Dyadic.of(r.nextDouble() * 0.01);
      long acc = r.nextInt() >> r.nextInt(16);
      BigDecimal exact = new BigDecimal(acc).multiply(new BigDecimal(d.value()));
      for (Rounding mode : Rounding.values()) {
        long want = mode == Rounding.HALF_EVEN
            ? exact.setScale(0, RoundingMode.HALF_EVEN).longValueExact()
            : mode == Rounding.HALF_AWAY
                ? exact.setScale(0, RoundingMode.HALF_UP).longValueExact()
                : exact
                    .add(new BigDecimal("0.5"))
                    .setScale(0, RoundingMode.FLOOR)
                    .longValueExact();
        assertEquals(want, d.apply(acc, mode), acc + " x " + d + " in " + mode);
      }
    }
  }

  @Test
  void refusesMultipliersItCannotWrite() {
    assertThrows(IntegerException.class, () -> Dyadic.of(Double.NaN));
    assertThrows(IntegerException.class, () -> Dyadic.of(-1));
    assertThrows(IntegerException.class, () -> Dyadic.of(0x1p32));
  }

  @Test
  void packedCodesRoundTripAndShrink() {
    Random r = new Random(4);
    for (int bits = 2; bits <= 8; bits++) {
      byte[] codes = new byte[1001];
      int hi = (1 << (bits - 1)) - 1;
      for (int i = 0; i < codes.length; i++) codes[i] = (byte) (r.nextInt(2 * hi + 2) - hi - 1);
      PackedCodes p = PackedCodes.pack(codes, bits);
      assertEquals((1001 * bits + 7) / 8, p.bytes().length);
      assertEquals(java.util.Arrays.toString(codes), java.util.Arrays.toString(p.unpack()));
    }
    assertThrows(IntegerException.class, () -> PackedCodes.pack(new byte[] {8}, 4));
  }
}
