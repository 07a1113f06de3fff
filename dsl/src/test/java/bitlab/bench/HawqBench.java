package bitlab.bench;

import bitlab.hardware.Bits;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.search.Budget;
import bitlab.search.hawq.Hawq;
import bitlab.search.hawq.IlpProblem;
import bitlab.search.hawq.IlpSolution;
import bitlab.search.hawq.IlpSolver;
import bitlab.search.hawq.LayerTrace;
import bitlab.search.hawq.TraceOptions;
import bitlab.search.hawq.Traces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code ./bitlab bench hawq}: HAWQ-V3 ILP solve times on ResNet-50's shape (54 layers with weights,
 * ImageNet 224, seeded random weights, log-uniform synthetic traces) and how they grow with layers.
 * Times are medians over repeated solves after a warm-up, whole solves (ojAlgo plus the proof), in
 * wall time and in CPU time of the solving thread (the solver runs on one thread; on a shared machine
 * CPU time is what the solve costs, wall time what it took while others ran).
 */
public final class HawqBench {
  private HawqBench() {}

  public static void main(String[] args) {
    run();
  }

  public static void run() {
    Model r50 = Zoo.architecture("resnet50", 224, 1.0, 0);
    Traces traces = synthetic(r50, 1);
    var edge = Catalogue.builtIn().target("bismo-edge");
    Hawq base = Hawq.of(r50, traces);
    System.out.printf(
        Locale.ROOT,
        "ResNet-50 shape: %d layers with weights, %,d weights%n",
        r50.layers().size(),
        r50.workloads().stream().mapToLong(w -> w.weights()).sum());
    IlpProblem twoCand = base.bits(4, 8).budget(Budget.sizeBetween(0.5)).problem();
    report("{4,8}, size 0.5", twoCand);
    IlpProblem twoCandBops = base.bits(4, 8).budget(Budget.bopsBetween(0.3)).problem();
    report("{4,8}, BOPs 0.3", twoCandBops);
    Hawq wide = base.bits(2, 3, 4, 5, 6, 7, 8);
    IlpProblem twoBudgets = wide.budget(Budget.sizeBetween(0.5))
        .budget(Budget.latencyBetween(0.5).on(edge))
        .problem();
    report("{2..8}, size 0.5 + latency@bismo-edge 0.5", twoBudgets);
    report(
        "{2..8}, size 0.3 + latency@bismo-edge 0.4 + ties",
        wide.tieDownsamples()
            .budget(Budget.sizeBetween(0.3))
            .budget(Budget.latencyBetween(0.4).on(edge))
            .problem());
    List<Bits> pairs = new ArrayList<>();
    for (int w : new int[] {2, 4, 8}) for (int a : new int[] {4, 8}) pairs.add(Bits.of(w, a));
    report(
        "W{2,4,8} x A{4,8}, BOPs 0.4 + energy@bismo-edge 0.5",
        base.candidates(pairs)
            .budget(Budget.bopsBetween(0.4))
            .budget(Budget.energyBetween(0.5).on(edge))
            .problem());

    System.out.println();
    System.out.println(
        "Scaling with layers: ResNet-50's problem repeated k times (layers renamed), same budget fractions;");
    System.out.println(
        "one solve each with the default time limit of " + IlpSolver.DEFAULT_TIME_LIMIT.toSeconds()
            + " s (after it: the best plan and its proven gap)");
    System.out.println(
        "layers  {4,8} size 0.5: wall / CPU ms, verdict        {2..8} size+latency 0.5: wall / CPU ms, verdict");
    for (int k : new int[] {1, 2, 4, 8, 16}) {
      System.out.printf(
          Locale.ROOT,
          "%6d  %-50s %s%n",
          54 * k,
          once(repeat(twoCand, k)),
          once(repeat(twoBudgets, k)));
    }
  }

  /** One solve: wall and CPU ms and the verdict (proven optimal, or the gap left at the time limit). */
  private static String once(IlpProblem p) {
    var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    long c0 = cpu.getCurrentThreadCpuTime();
    IlpSolution s = IlpSolver.solve(p);
    double c = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
    return String.format(
        Locale.ROOT,
        "%.1f / %.1f, %s",
        s.millis(),
        c,
        s.proof().proven() ? "proven" : String.format(Locale.ROOT, "gap %.3g%%", 100 * s.gap()));
  }

  private static void report(String what, IlpProblem p) {
    IlpSolution s = IlpSolver.solve(p);
    for (int i = 0; i < 3; i++) IlpSolver.solve(p);
    double[][] t = times(p, 15);
    System.out.printf(
        Locale.ROOT,
        "%-55s median %7.1f ms wall (min %.1f, max %.1f), %7.1f ms CPU; proof nodes %,d, ojAlgo alone optimal: %s%n",
        what,
        median(t[0]),
        Arrays.stream(t[0]).min().orElse(0),
        Arrays.stream(t[0]).max().orElse(0),
        median(t[1]),
        s.proof().nodes(),
        s.proof().solverOptimal());
  }

  /** Wall and CPU milliseconds of n solves. */
  private static double[][] times(IlpProblem p, int n) {
    var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    double[][] t = new double[2][n];
    for (int i = 0; i < n; i++) {
      long c0 = cpu.getCurrentThreadCpuTime();
      t[0][i] = IlpSolver.solve(p).millis();
      t[1][i] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    return t;
  }

  private static IlpProblem repeat(IlpProblem p, int k) {
    bitlab.task.Work.progress("HAWQ-V3 bench: " + p.layers().size() * k + " layers");
    List<IlpProblem.Layer> layers = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      for (IlpProblem.Layer l : p.layers())
        layers.add(new IlpProblem.Layer(l.name() + "#" + c, l.candidates(), l.omega(), l.costs()));
    }
    List<IlpProblem.Limit> limits = p.limits().stream()
        .map(l -> new IlpProblem.Limit(l.budget(), l.unit(), l.limit() * k))
        .toList();
    return new IlpProblem(layers, limits, java.util.Map.of(), List.of());
  }

  private static double median(double[] t) {
    double[] s = t.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** Average traces log-uniform over four decades, seeded: the ILP's input, not a measurement. */
  static Traces synthetic(Model m, long seed) {
    Random r = new Random(seed);
    List<LayerTrace> l = new ArrayList<>();
    for (var n : m.layers()) {
      long count = m.param(n.param("weight")).length();
      l.add(new LayerTrace(n.name(), Math.pow(10, -2 + 4 * r.nextDouble()) * count, 0, count, 1));
    }
    return new Traces(m.name(), "synthetic", 0, TraceOptions.DEFAULT, l, true, 0);
  }
}
