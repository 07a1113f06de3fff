package bitlab.bench;

import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.nn.Net;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code ./bitlab bench float-options}: the compute options for the float path, measured side by side in one
 * process (medians of 7 alternating rounds, milliseconds):
 * <ul>
 *   <li>one convolution's forward and backward pass (input and weight gradients), batch 64, on the shapes
 *       the zoo trains: oneDNN's f32 primitives as the float engine runs them (a one-layer network's
 *       training step, which adds a global average pool, a 10-way linear layer and the loss), against
 *       libnd4j's {@code conv2d}/{@code conv2d_bp} (and the depthwise ones) called directly, no graph
 *       session, in NCHW and NHWC;</li>
 *   <li>an element-wise loop (per-tensor fake quantization of 3.2 million floats) in Java: the Vector API
 *       on a direct buffer over native memory, a scalar loop on the same buffer, and a copy to a Java
 *       array and back.</li>
 * </ul>
 * Run it with the {@code -onednn} or {@code -avx512} build of {@code nd4j-native} on the class path to see
 * what those builds do to libnd4j's side ({@code tools/bench/nd4j-classifier.sh}).
 */
final class FloatOptionsBench {
  /** Shapes: in, out, size, kernel, stride, groups. */
  private static final int[][] LAYERS = {
    {16, 64, 28, 1, 1, 1},
    {64, 64, 28, 3, 2, 64},
    {96, 24, 14, 1, 1, 1},
    {16, 16, 28, 3, 1, 1},
    {64, 64, 7, 3, 1, 1},
    {1, 16, 28, 3, 1, 1}
  };

  private FloatOptionsBench() {}

  static void run(String[] args) {
    System.out.printf(
        "float compute options: %d cores, JDK %s, CPU flags %s, libnd4j build %s%n%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        FoundationBench.cpu(),
        nd4jBuild());
    System.out.println(
        "One convolution, forward + input and weight gradients, batch 64 (ms, median of 7 alternating rounds)");
    System.out.printf(
        "%-28s %12s %14s %14s %10s%n",
        "layer", "bitlab.nn", "libnd4j NCHW", "libnd4j NHWC", "best/nn");
    for (int[] l : LAYERS) conv(l);
    System.out.println();
    loops();
  }

  private static String nd4jBuild() {
    String cp = System.getProperty("java.class.path");
    String[] entries = cp.split(":");
    if (entries.length == 1
        && cp.endsWith(".jar")) { // ./bitlab bench passes its class path in a jar's manifest
      try (java.util.jar.JarFile j = new java.util.jar.JarFile(cp)) {
        String listed = j.getManifest() == null
            ? null
            : j.getManifest().getMainAttributes().getValue("Class-Path");
        if (listed != null) entries = listed.split(" ");
      } catch (java.io.IOException e) {
        return "?";
      }
    }
    for (String p : entries) {
      if (p.contains("nd4j-native-1.0.0-M2.1-linux"))
        return p.substring(p.lastIndexOf("linux-x86_64")).replace(".jar", "");
    }
    return "?";
  }

  private static void conv(int[] l) {
    int in = l[0],
        out = l[1],
        size = l[2],
        k = l[3],
        stride = l[4],
        groups = l[5],
        pad = k / 2,
        batch = 64;
    String name = String.format(
        "%s %dx%d %d->%d @%d s%d", groups > 1 ? "dw" : "conv", k, k, in, out, size, stride);
    Model m = Model.builder("one", Shape.image(in, size, size))
        .conv("c", out, k, stride, pad, groups, false)
        .globalAvgPool("g")
        .linear("fc", 10)
        .build(1);
    Nd4j.getRandom().setSeed(1);
    INDArray x = Nd4j.randn(DataType.FLOAT, batch, in, size, size);
    INDArray t = Nd4j.zeros(DataType.FLOAT, batch, 10);
    for (int i = 0; i < batch; i++) t.putScalar(i, i % 10, 1);
    int outSize = (size + 2 * pad - k) / stride + 1;
    try (Net net = Net.compile(m, Net.Mode.TRAINING)) {
      Runnable nn = () -> net.lossAndGradients(x, t);
      Runnable nchw =
          libnd4j(x, m.param("c.weight"), batch, in, out, outSize, k, stride, pad, groups, false);
      Runnable nhwc = libnd4j(
          x.permute(0, 2, 3, 1).dup('c'),
          m.param("c.weight"),
          batch,
          in,
          out,
          outSize,
          k,
          stride,
          pad,
          groups,
          true);
      double[] r = alternate(List.of(nn, nchw, nhwc));
      System.out.printf(
          "%-28s %12.2f %14.2f %14.2f %9.2fx%n",
          name, r[0], r[1], r[2], Math.min(r[1], r[2]) / r[0]);
    }
  }

  /** libnd4j's forward and backward ops, called directly; weights in PyTorch's layout (wFormat 1) or libnd4j's depthwise one. */
  private static Runnable libnd4j(
      INDArray x,
      INDArray oihw,
      int batch,
      int in,
      int out,
      int outSize,
      int k,
      int stride,
      int pad,
      int groups,
      boolean nhwc) {
    boolean dw = groups > 1;
    INDArray w =
        dw ? oihw.permute(2, 3, 0, 1).dup('c') : oihw.dup('c'); // depthwise: [kH, kW, iC, 1]
    long[] outShape = nhwc
        ? new long[] {batch, outSize, outSize, out}
        : new long[] {batch, out, outSize, outSize};
    INDArray y = Nd4j.create(DataType.FLOAT, outShape);
    INDArray dy = Nd4j.rand(DataType.FLOAT, outShape);
    INDArray dx = Nd4j.create(DataType.FLOAT, x.shape());
    INDArray dw2 = Nd4j.create(DataType.FLOAT, w.shape());
    int[] iargs = dw
        ? new int[] {k, k, stride, stride, pad, pad, 1, 1, 0, nhwc ? 1 : 0}
        : new int[] {k, k, stride, stride, pad, pad, 1, 1, 0, nhwc ? 1 : 0, 1};
    String fwd = dw ? "depthwise_conv2d" : "conv2d";
    return () -> {
      Nd4j.exec(DynamicCustomOp.builder(fwd)
          .addInputs(x, w)
          .addOutputs(y)
          .addIntegerArguments(iargs)
          .build());
      Nd4j.exec(DynamicCustomOp.builder(fwd + "_bp")
          .addInputs(x, w, dy)
          .addOutputs(dx, dw2)
          .addIntegerArguments(iargs)
          .build());
    };
  }

  /** Median milliseconds of each, alternating rounds after a warm-up. */
  static double[] alternate(List<Runnable> work) {
    for (Runnable r : work) for (int i = 0; i < 3; i++) r.run();
    double[][] t = new double[work.size()][7];
    for (int round = 0; round < 7; round++) {
      for (int k = 0; k < work.size(); k++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) work.get(k).run();
        t[k][round] = (System.nanoTime() - t0) / 3e6;
      }
    }
    double[] out = new double[work.size()];
    for (int k = 0; k < out.length; k++) {
      Arrays.sort(t[k]);
      out[k] = t[k][3];
    }
    return out;
  }

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  /** Per-tensor fake quantization (round half to even, 8-bit signed) of 3.2 million floats three ways. */
  private static void loops() {
    int n = 64 * 64 * 28 * 28;
    FloatPointer p = new FloatPointer(n);
    FloatPointer q = new FloatPointer(n);
    java.util.Random r = new java.util.Random(1);
    float[] init = new float[n];
    for (int i = 0; i < n; i++) init[i] = (float) r.nextGaussian() * 3;
    p.put(init);
    ByteBuffer in = p.asByteBuffer().order(ByteOrder.nativeOrder());
    ByteBuffer out = q.asByteBuffer().order(ByteOrder.nativeOrder());
    FloatBuffer fin = in.asFloatBuffer(), fout = out.asFloatBuffer();
    float[] tmp = new float[n];
    float s = 0.05f;
    Runnable vector = () -> {
      int i = 0;
      for (int bound = F.loopBound(n); i < bound; i += F.length()) {
        FloatVector v = FloatVector.fromByteBuffer(F, in, i * 4, ByteOrder.nativeOrder())
            .div(s)
            .max(-129f)
            .min(128f);
        v = v.add(12582912f).sub(12582912f); // round half to even: exact for |v| < 2^22
        v.max(-128f).min(127f).mul(s).intoByteBuffer(out, i * 4, ByteOrder.nativeOrder());
      }
      for (; i < n; i++)
        fout.put(i, Math.min(127f, Math.max(-128f, (float) Math.rint(fin.get(i) / s))) * s);
    };
    Runnable scalar = () -> {
      for (int i = 0; i < n; i++)
        fout.put(i, Math.min(127f, Math.max(-128f, (float) Math.rint(fin.get(i) / s))) * s);
    };
    Runnable copy = () -> {
      p.get(tmp, 0, n);
      for (int i = 0; i < n; i++)
        tmp[i] = Math.min(127f, Math.max(-128f, (float) Math.rint(tmp[i] / s))) * s;
      q.put(tmp, 0, n);
    };
    double[] t = alternate(List.of(vector, scalar, copy));
    System.out.println(
        "Element-wise work in Java: fake quantization of 3,211,264 floats in native memory (ms, median of 7 alternating rounds)");
    System.out.printf(
        "%-40s %8.2f%n%-40s %8.2f%n%-40s %8.2f%n",
        "Vector API on a direct buffer",
        t[0],
        "scalar loop on the same buffer",
        t[1],
        "copy to a float[], scalar loop, copy back",
        t[2]);
    p.close();
    q.close();
  }
}
