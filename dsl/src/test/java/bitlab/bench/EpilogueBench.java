package bitlab.bench;

import bitlab.integer.kernel.VectorRequant;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.List;
import java.util.Random;

/**
 * {@code ./bitlab bench integer epilogue}: the Java pass over one oneDNN piece's int32 sums (131,072, channels-last),
 * ns per sum: the bulk copy out of native memory alone, the requantization alone ({@code VectorRequant.channelsLast}),
 * both (what a layer does now), and the requantization reading native memory in place, alternating on one thread.
 */
final class EpilogueBench {
  private EpilogueBench() {}

  static void run() {
    IntegerBench.printInstructionSet();
    System.out.printf(
        "%-9s %11s %11s %11s %11s %9s%n",
        "channels", "copy ns", "requant ns", "both ns", "in place ns", "in/both");
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
      byte[] out = new byte[n], out2 = new byte[n];
      Runnable copy = () -> sums.get(0, heap, 0, n);
      Runnable requant = () -> VectorRequant.channelsLast(
          heap, 0, positions, channels, bias, m, s, h, VectorRequant.HALF_EVEN, 0, 0, 255, out, 0);
      Runnable both = () -> {
        copy.run();
        requant.run();
      };
      Runnable inPlace = () -> VectorRequant.channelsLast(
          nat, 0, positions, channels, bias, m, s, h, VectorRequant.HALF_EVEN, 0, 0, 255, out2, 0);
      for (int w = 0; w < 3000; w++) {
        both.run();
        inPlace.run();
      }
      double[] ms =
          bitlab.integer.Latency.alternate(List.of(copy, requant, both, inPlace), 301, 0, x -> {});
      if (!java.util.Arrays.equals(out, out2))
        throw new IllegalStateException("in place differs from the copy's codes");
      double k = 1e6 / n;
      System.out.printf(
          "%-9d %11.3f %11.3f %11.3f %11.3f %8.2fx%n",
          channels, ms[0] * k, ms[1] * k, ms[2] * k, ms[3] * k, ms[3] / ms[2]);
    }
  }
}
