package bitlab.bench;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.nn.Hooks;
import bitlab.nn.Net;
import bitlab.search.hawq.HessianTraces;
import bitlab.search.hawq.TraceOptions;
import bitlab.search.hawq.Traces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code ./bitlab bench hessian [MODEL...]}: what second-order information costs on the float engine, side by
 * side in one process:
 * <ul>
 *   <li>one exact Hessian-vector product (forward over reverse) and one Jacobian-vector product against one
 *       gradient, batch 64, all layers' weights, oneDNN in float (medians of 7 alternating rounds);</li>
 *   <li>Hutchinson traces of LeNet-5 on 128 images, 10 probes each: output probes (HAWQ's default), per-layer
 *       probes with the exact product, and per-layer probes by central differences of gradients in double (the
 *       check the exact product replaced).</li>
 * </ul>
 */
final class HessianBench {
  private static final List<String> MODELS = List.of("lenet5", "resnet-mini", "mobilenet-v2-mini");

  private HessianBench() {}

  static void run(String[] args) {
    System.out.printf(
        "Hessian bench: %d cores, JDK %s, CPU flags %s; shared machines make single timings noisy, ratios within one run are "
            + "what to read%n%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        FoundationBench.cpu());
    Dataset mnist = Datasets.mnist();
    System.out.println(
        "One pass over 64 images, all Conv/Linear weights, float (ms, median of 7 alternating rounds)");
    System.out.printf(
        "%-18s %10s %10s %10s %12s %12s%n",
        "model", "gradient", "H.v", "J.v", "H.v / grad", "J.v / grad");
    for (String name : args.length == 0 ? MODELS : Arrays.asList(args))
      products(Zoo.load(name), mnist.train());
    System.out.println();
    traces(Zoo.load("lenet5"), mnist.train());
  }

  private static void products(Model m, Samples train) {
    List<String> weights = m.layers().stream().map(n -> n.param("weight")).toList();
    INDArray x = train.images().get(NDArrayIndex.interval(0, 64)).dup();
    int classes = m.outputShape().channels();
    INDArray y = Nd4j.zeros(DataType.FLOAT, 64, classes);
    int[] labels = train.labels();
    for (int i = 0; i < 64; i++) y.putScalar(i, labels[i], 1);
    try (Net net = Net.compile(m, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.FLOAT, weights)) {
      java.util.Random random = new java.util.Random(1);
      Map<String, INDArray> v = new HashMap<>();
      for (String w : weights) {
        long[] shape = net.parameter(w).shape();
        float[] signs = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < signs.length; i++) signs[i] = random.nextBoolean() ? 1 : -1;
        v.put(w, Nd4j.create(signs, shape, 'c'));
      }
      Runnable grad = () -> net.lossAndGradients(x, y);
      Runnable hv = () -> net.hessianVectorProduct(x, y, v);
      Runnable jv = () -> net.logitsTangent(x, v);
      double[][] ms = new double[3][7];
      for (int warm = 0; warm < 3; warm++) {
        grad.run();
        hv.run();
        jv.run();
      }
      int reps = 5;
      for (int round = 0; round < 7; round++) {
        ms[0][round] = millis(grad, reps);
        ms[1][round] = millis(hv, reps);
        ms[2][round] = millis(jv, reps);
      }
      double g = median(ms[0]), h = median(ms[1]), j = median(ms[2]);
      System.out.printf(
          "%-18s %10.1f %10.1f %10.1f %11.2fx %11.2fx%n", m.name(), g, h, j, h / g, j / g);
    }
  }

  private static void traces(Model m, Samples train) {
    System.out.println(
        "Hutchinson traces of " + m.name() + ", 128 images, 10 probes (seconds; per probe)");
    List<TraceOptions> runs = new ArrayList<>();
    runs.add(new TraceOptions(
        128, 10, 10, 1e-3, 0, TraceOptions.Probes.OUTPUT, TraceOptions.Curvature.JACOBIAN));
    runs.add(new TraceOptions(
        128, 10, 10, 1e-3, 0, TraceOptions.Probes.PER_LAYER, TraceOptions.Curvature.EXACT));
    runs.add(new TraceOptions(
        128, 10, 10, 1e-3, 0, TraceOptions.Probes.PER_LAYER, TraceOptions.Curvature.GRADIENTS));
    double exact = Double.NaN;
    for (TraceOptions o : runs) {
      HessianTraces.estimate(
          m, train, new TraceOptions(128, 1, 1, 1e-3, 0, o.probes(), o.curvature())); // warm-up
      Traces t = HessianTraces.estimate(m, train, o);
      if (o.curvature() == TraceOptions.Curvature.EXACT) exact = t.seconds();
      String vs = o.curvature() == TraceOptions.Curvature.GRADIENTS
          ? String.format("   %.1fx the exact per-layer run", t.seconds() / exact)
          : "";
      System.out.printf(
          "  %-10s probes, %-9s curvature %8.2f s %8.3f s/probe   fc1 trace %.4e%s%n",
          o.probes().name().toLowerCase(),
          o.curvature().name().toLowerCase(),
          t.seconds(),
          t.seconds() / 10,
          t.layers().get(2).trace(),
          vs);
    }
  }

  private static double millis(Runnable r, int reps) {
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) r.run();
    return (System.nanoTime() - t0) / 1e6 / reps;
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
