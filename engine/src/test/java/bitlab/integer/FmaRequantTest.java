package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.integer.kernel.FmaRequant;
import bitlab.integer.kernel.VectorRequant;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import bitlab.quant.Rounding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The channels-last requantization by one fused multiply-add of doubles ({@link FmaRequant}) equals {@link
 * Requant#code} value for value (ties of both signs in every rounding mode, the int32 extremes, the clamps, zero
 * points, the largest and smallest multipliers it accepts), and the MobileNet minis run bit-exact with it.
 */
@Tag("slow")
class FmaRequantTest {
  private static final Dataset MNIST = Datasets.mnist();
  private static final Samples CALIB = MNIST.train().take(128);

  /** Multipliers it takes: typical layers', ties at every sign ({@code 2^30 / 2^31} halves odd sums), the bounds. */
  private static final Dyadic[] FITTING = {
    Dyadic.of(0.00071),
    Dyadic.of(0.0213),
    Dyadic.of(1.7),
    new Dyadic(1 << 30, 31),
    new Dyadic(3 << 28, 33),
    new Dyadic(1, 1),
    new Dyadic(1, 3),
    new Dyadic(1, 0),
    new Dyadic(0, 0),
    Dyadic.of(3e-7),
    new Dyadic(Integer.MAX_VALUE, 53),
    new Dyadic((1 << 30) + 1, 11), // about 2^19, near the bound
  };

  private static int[] accumulators(Random r, int n) {
    int[] acc = new int[n];
    for (int i = 0; i < n; i++) {
      acc[i] = switch (i % 6) {
        case 0 -> r.nextInt();
        case 1 -> r.nextInt(4001) - 2000;
        case 2 -> (r.nextInt(201) - 100) * 2 + 1; // odd: ties under 2^30 / 2^31
        case 3 -> r.nextBoolean() ? Integer.MAX_VALUE - 2000 : Integer.MIN_VALUE + 2000;
        case 4 -> (r.nextInt(64) - 32) << 4; // ties under 1/2^3 and 3·2^28 / 2^33
        default -> r.nextInt(1 << 23) - (1 << 22);
      };
    }
    return acc;
  }

  @Test
  void itAcceptsExactlyTheMultipliersItIsExactFor() {
    for (Dyadic d : FITTING)
      for (Rounding r : Rounding.values())
        assertTrue(FmaRequant.fits(d.multiplier(), d.shift(), Requant.mode(r)), d + " " + r);
    // 2^20 and more: v·M + 1.5·2^52 leaves the binade where doubles are the integers
    assertFalse(FmaRequant.fits(1 << 20, 0, VectorRequant.HALF_EVEN));
    assertFalse(FmaRequant.fits(Integer.MAX_VALUE, 10, VectorRequant.HALF_EVEN));
    // beyond 2^-53 the remainder that finds a tie is no longer exact: half even only
    Dyadic tiny = new Dyadic(Integer.MAX_VALUE, Dyadic.MAX_SHIFT);
    assertTrue(FmaRequant.fits(tiny.multiplier(), tiny.shift(), VectorRequant.HALF_EVEN));
    assertFalse(FmaRequant.fits(tiny.multiplier(), tiny.shift(), VectorRequant.HALF_UP));
    assertFalse(FmaRequant.fits(tiny.multiplier(), tiny.shift(), VectorRequant.HALF_AWAY));
  }

  @Test
  void everyCodeEqualsTheDefinition() {
    assumeTrue(FmaRequant.AVAILABLE, "the fused multiply-add path runs where the CPU has AVX-512");
    Random rnd = new Random(5);
    int channels = 24, positions = 700;
    int[] acc = accumulators(rnd, channels * positions);
    ByteBuffer nat = ByteBuffer.allocateDirect(4 * acc.length).order(ByteOrder.nativeOrder());
    nat.asIntBuffer().put(acc);
    int[] bias = new int[channels];
    for (int c = 0; c < channels; c++) bias[c] = c % 3 == 0 ? 0 : rnd.nextInt(2001) - 1000;
    for (Rounding rounding : Rounding.values()) {
      for (int trial = 0; trial < FITTING.length; trial++) {
        long[] m = new long[channels], s = new long[channels];
        Dyadic[] d = new Dyadic[channels];
        for (int c = 0; c < channels; c++) {
          d[c] = FITTING[(trial + c) % FITTING.length];
          m[c] = d[c].multiplier();
          s[c] = d[c].shift();
        }
        double[] scale = FmaRequant.scales(m, s);
        for (int[] range :
            new int[][] {{0, 255, 0}, {0, 255, 37}, {-128, 127, 0}, {-128, 127, -5}, {-8, 7, -1}}) {
          int z = range[2], lo = range[0], hi = range[1], mode = Requant.mode(rounding);
          byte[] fromArray = new byte[acc.length], inPlace = new byte[acc.length];
          int doneA = FmaRequant.channelsLast(
              acc, 0, positions, channels, bias, scale, mode, z, lo, hi, fromArray, 0);
          int doneB = FmaRequant.channelsLast(
              nat, 0, positions, channels, bias, scale, mode, z, lo, hi, inPlace, 0);
          assertEquals(channels, doneA);
          assertEquals(channels, doneB);
          for (int i = 0; i < acc.length; i++) {
            int c = i % channels;
            byte want = (byte) Requant.code(acc[i] + bias[c], d[c], rounding, z, lo, hi);
            String where = rounding + " " + d[c] + " acc " + acc[i] + " bias " + bias[c] + " z " + z
                + " [" + lo + ", " + hi + "]";
            assertEquals(want, fromArray[i], where);
            assertEquals(want, inPlace[i], where + " (native memory)");
          }
        }
      }
    }
  }

  /**
   * Fewer than eight channels run as one stream of values, each lane with its channel's bias and multiplier: every code
   * equals the definition for 1-7 channels, runs of values that are and are not multiples of eight (the last eight
   * again), too short to vectorize (left to the caller: 0 returned), at offsets in both arrays.
   */
  @Test
  void fewerThanEightChannelsEqualTheDefinition() {
    assumeTrue(FmaRequant.AVAILABLE, "the fused multiply-add path runs where the CPU has AVX-512");
    Random rnd = new Random(11);
    for (int channels = 1; channels < 8; channels++) {
      for (int positions : new int[] {1, 2, 3, 5, 8, 13, 701}) {
        int n = channels * positions, from = 3, to = 5;
        int[] acc = new int[from + n];
        System.arraycopy(accumulators(rnd, n), 0, acc, from, n);
        ByteBuffer nat = ByteBuffer.allocateDirect(4 * acc.length).order(ByteOrder.nativeOrder());
        nat.asIntBuffer().put(acc);
        int[] bias = new int[channels];
        Dyadic[] d = new Dyadic[channels];
        long[] m = new long[channels], s = new long[channels];
        for (int c = 0; c < channels; c++) {
          bias[c] = rnd.nextInt(2001) - 1000;
          d[c] = FITTING[(c * 5 + positions) % FITTING.length];
          m[c] = d[c].multiplier();
          s[c] = d[c].shift();
        }
        double[] scale = FmaRequant.scales(m, s);
        for (Rounding rounding : Rounding.values()) {
          int mode = Requant.mode(rounding), z = channels % 2 == 0 ? 0 : 9;
          byte[] fromArray = new byte[to + n + 2], inPlace = new byte[to + n + 2];
          int doneA = FmaRequant.channelsLast(
              acc, from, positions, channels, bias, scale, mode, z, -128, 127, fromArray, to);
          int doneB = FmaRequant.channelsLast(
              nat, from, positions, channels, bias, scale, mode, z, -128, 127, inPlace, to);
          int want = n < 8 ? 0 : channels;
          assertEquals(want, doneA, channels + " channels, " + positions + " positions");
          assertEquals(want, doneB, channels + " channels, " + positions + " positions");
          for (int i = 0; i < fromArray.length; i++) {
            boolean inside = i >= to && i < to + n && want > 0;
            int c = (i - to) % channels;
            byte code = inside
                ? (byte) Requant.code(acc[from + i - to] + bias[c], d[c], rounding, z, -128, 127)
                : 0;
            String where = channels + " channels, " + positions + " positions, value " + (i - to)
                + " " + rounding;
            assertEquals(code, fromArray[i], where);
            assertEquals(code, inPlace[i], where + " (native memory)");
          }
          // a layer's epilogue with these channels takes this path, and writes the same codes
          RequantEpilogue e = new RequantEpilogue(bias, d, rounding, z, -128, 127);
          boolean shifted = java.util.Arrays.stream(d).allMatch(x -> x.shift() > 0);
          assertEquals(shifted, e.fma(), channels + " channels take the fused multiply-add lanes");
          byte[] viaLayer = new byte[to + n + 2];
          e.positions(acc, from, positions, channels, viaLayer, to);
          if (want > 0) org.junit.jupiter.api.Assertions.assertArrayEquals(fromArray, viaLayer);
        }
      }
    }
  }

  /** lenet5's first layer: six channels with typical multipliers take the fused multiply-add lanes. */
  @Test
  void sixChannelsTakeTheVectorLanes() {
    assumeTrue(FmaRequant.AVAILABLE, "the fused multiply-add path runs where the CPU has AVX-512");
    Dyadic[] d = new Dyadic[6];
    for (int c = 0; c < 6; c++) d[c] = Dyadic.of(0.0013 * (c + 1));
    assertTrue(new RequantEpilogue(new int[6], d, Rounding.HALF_EVEN, 0, 0, 255).fma());
  }

  /** Ties are where rounding modes part: every odd sum under {@code 2^30 / 2^31} is one, of both signs. */
  @Test
  void tiesGoWhereEachModeSendsThem() {
    assumeTrue(FmaRequant.AVAILABLE, "the fused multiply-add path runs where the CPU has AVX-512");
    int channels = 8;
    int[] acc = new int[channels * 16], bias = new int[channels];
    for (int i = 0; i < acc.length; i++) acc[i] = i / channels * 2 - 15; // -15 .. 15, odd
    long[] m = new long[channels], s = new long[channels];
    java.util.Arrays.fill(m, 1L << 30);
    java.util.Arrays.fill(s, 31);
    double[] scale = FmaRequant.scales(m, s);
    for (Rounding rounding : Rounding.values()) {
      byte[] out = new byte[acc.length];
      FmaRequant.channelsLast(
          acc, 0, 16, channels, bias, scale, Requant.mode(rounding), 0, -128, 127, out, 0);
      for (int i = 0; i < acc.length; i++) {
        long want = switch (rounding) {
          case HALF_EVEN -> Math.round(Math.rint(acc[i] / 2.0));
          case HALF_UP -> Math.floorDiv(acc[i] + 1, 2);
          case HALF_AWAY -> acc[i] > 0 ? (acc[i] + 1) / 2 : -((-acc[i] + 1) / 2);
        };
        assertEquals((byte) want, out[i], rounding + " of " + acc[i] + "/2");
      }
    }
  }

  /**
   * A 1x1 layer reading signed codes hands its sums over less a per-channel correction: the epilogue folds it into the
   * bias and reads the sums in place, code for code what subtracting in a copy gives (and the interface's default, which
   * subtracts in a copy, the same), at the int32 extremes too.
   */
  @Test
  void theCorrectionFoldedIntoTheBiasGivesTheSameCodes() {
    Random rnd = new Random(9);
    int channels = 21, positions = 300, n = channels * positions;
    int[] acc = accumulators(rnd, n), bias = new int[channels], minus = new int[channels];
    for (int c = 0; c < channels; c++) {
      bias[c] = rnd.nextInt(20001) - 10000;
      minus[c] = c % 4 == 0 ? Integer.MIN_VALUE + c : 128 * (rnd.nextInt(4001) - 2000);
    }
    ByteBuffer nat = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
    nat.asIntBuffer().put(acc);
    int[] less = acc.clone();
    for (int i = 0; i < n; i++) less[i] -= minus[i % channels];
    Dyadic[] d = new Dyadic[channels];
    for (int c = 0; c < channels; c++) d[c] = FITTING[c % FITTING.length];
    for (Rounding rounding : Rounding.values()) {
      for (FmaRequant.Lanes lanes : FmaRequant.Lanes.values()) {
        try {
          FmaRequant.use(lanes);
          RequantEpilogue e = new RequantEpilogue(bias, d, rounding, 3, -128, 127);
          byte[] want = new byte[n + 4], folded = new byte[n + 4], byDefault = new byte[n + 4];
          e.positions(less, 0, positions, channels, want, 4);
          e.positionsMinus(nat, 0, positions, channels, minus, folded, 4);
          e.positionsMinus(nat, 0, positions, channels, minus, folded, 4); // the folded bias again
          bitlab.integer.kernel.Epilogue plain = e::codes;
          plain.positionsMinus(nat, 0, positions, channels, minus, byDefault, 4);
          org.junit.jupiter.api.Assertions.assertArrayEquals(want, folded, rounding + " " + lanes);
          org.junit.jupiter.api.Assertions.assertArrayEquals(
              want, byDefault, rounding + " " + lanes + " (default)");
        } finally {
          FmaRequant.use(FmaRequant.Lanes.FMA);
        }
      }
    }
  }

  /**
   * The MobileNet minis and lenet5 (whose first layer has six channels: {@code fewerThanEightChannels}), with the fused
   * multiply-add path and with 64-bit lanes, bit-exact with the simulation.
   */
  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "mobilenet-v1-mini", "mobilenet-v2-mini"})
  void theMinisAreBitExactOnEitherLanes(String name) {
    assumeTrue(FmaRequant.AVAILABLE, "the fused multiply-add path runs where the CPU has AVX-512");
    Model net = Zoo.load(name);
    PtqConfig asymmetric = PtqConfig.DEFAULT.withAsymmetricActivations(true);
    List<Object[]> runs = new ArrayList<>();
    runs.add(new Object[] {Policy.uniform(net, 8, 8), PtqConfig.DEFAULT});
    runs.add(new Object[] {IntegerModelTest.mixed(net, name.length()), asymmetric});
    runs.add(new Object[] {Policy.uniform(net, 8, 8), asymmetric.withRounding(Rounding.HALF_UP)});
    runs.add(
        new Object[] {Policy.uniform(net, 6, 5), PtqConfig.DEFAULT.withRounding(Rounding.HALF_AWAY)
        });
    try {
      for (FmaRequant.Lanes lanes : FmaRequant.Lanes.values()) {
        FmaRequant.use(lanes);
        for (Object[] run : runs) {
          Policy policy = (Policy) run[0];
          PtqConfig config = (PtqConfig) run[1];
          QuantizedModel q = Quantizer.ptq(net, policy, CALIB, config);
          IntegerModel iq = IntegerModel.of(q);
          Trace t = iq.trace(MNIST.test().images().get(NDArrayIndex.interval(0, 8)));
          assertTrue(
              t.exact(), name + " " + lanes + " " + policy.summary() + ", " + config + ":\n" + t);
        }
      }
    } finally {
      FmaRequant.use(FmaRequant.Lanes.FMA);
    }
  }
}
