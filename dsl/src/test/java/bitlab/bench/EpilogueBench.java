package bitlab.bench;

import bitlab.integer.kernel.FmaRequant;
import bitlab.integer.kernel.VectorRequant;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.List;
import java.util.Random;

/**
 * {@code ./bitlab bench integer epilogue}: the Java pass over one oneDNN piece's int32 sums (131,072, channels-last),
 * ns per sum: the bulk copy out of native memory alone, the requantization alone ({@code VectorRequant.channelsLast}),
 * both, the requantization reading native memory in place (64-bit lanes), and the same with one fused multiply-add
 * of doubles ({@code FmaRequant}, what a layer does now where it fits) in place and from the Java array, alternating on
 * one thread.
 */
final class EpilogueBench {
  private EpilogueBench() {}

  static void run() {
    IntegerBench.printInstructionSet();
    System.out.printf(
        "%-9s %11s %11s %11s %11s %11s %11s %9s %9s%n",
        "channels",
        "copy ns",
        "requant ns",
        "both ns",
        "in place ns",
        "fma ns",
        "fma arr ns",
        "in/both",
        "fma/in");
    for (int channels : new int[] {16, 96, 144, 576}) {
      int positions = (1 << 17) / channels, n = positions * channels;
      Random r = new Random(1);
      ByteBuffer nat = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
      IntBuffer sums = nat.asIntBuffer();
      for (int i = 0; i < n; i++) sums.put(i, r.nextInt(1 << 20) - (1 << 19));
      int[] heap = new int[n], bias = new int[channels];
      long[] m = new long[channels], s = new long[channels], h = new long[channels];
      for (int c = 0; c < channels; c++) {
        bias[c] = r.nextInt(2000) - 1000;
        m[c] = (1L << 30) + r.nextInt(1 << 29);
        s[c] = 36 + r.nextInt(4);
        h[c] = 1L << (s[c] - 1);
      }
      byte[] out = new byte[n], out2 = new byte[n], out3 = new byte[n];
      double[] scale = FmaRequant.scales(m, s);
      Runnable copy = () -> sums.get(0, heap, 0, n);
      Runnable requant = () -> VectorRequant.channelsLast(
          heap, 0, positions, channels, bias, m, s, h, VectorRequant.HALF_EVEN, 0, 0, 255, out, 0);
      Runnable both = () -> {
        copy.run();
        requant.run();
      };
      Runnable inPlace = () -> VectorRequant.channelsLast(
          nat, 0, positions, channels, bias, m, s, h, VectorRequant.HALF_EVEN, 0, 0, 255, out2, 0);
      Runnable fma = () -> FmaRequant.channelsLast(
          nat, 0, positions, channels, bias, scale, VectorRequant.HALF_EVEN, 0, 0, 255, out3, 0);
      Runnable fmaArray = () -> FmaRequant.channelsLast(
          heap, 0, positions, channels, bias, scale, VectorRequant.HALF_EVEN, 0, 0, 255, out3, 0);
      for (int w = 0; w < 3000; w++) {
        both.run();
        inPlace.run();
        fma.run();
        fmaArray.run();
      }
      double[] ms = bitlab.integer.Latency.alternate(
          List.of(copy, requant, both, inPlace, fma, fmaArray), 301, 0, x -> {});
      if (!java.util.Arrays.equals(out, out2))
        throw new IllegalStateException("in place differs from the copy's codes");
      if (!java.util.Arrays.equals(out, out3))
        throw new IllegalStateException("the fused multiply-add's codes differ from the copy's");
      double k = 1e6 / n;
      System.out.printf(
          "%-9d %11.3f %11.3f %11.3f %11.3f %11.3f %11.3f %8.2fx %8.2fx%n",
          channels,
          ms[0] * k,
          ms[1] * k,
          ms[2] * k,
          ms[3] * k,
          ms[4] * k,
          ms[5] * k,
          ms[3] / ms[2],
          ms[4] / ms[3]);
    }
  }
}
