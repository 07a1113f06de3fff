package bitlab.hardware;

import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.fixtures.Zoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How long pricing a 100-layer policy takes, per target and per path, against the 50 us budget a
 * search loop can afford. Not a unit test (timings depend on the machine): a main that prints
 * figures side by side. Run: {@code mvn -q -B -pl hardware test-compile exec:java@bench}.
 */
public final class CostBench {

  private CostBench() {}

  static volatile double sink;

  public static void main(String[] args) {
    int layers = 100;
    List<LayerWorkload> model = Zoo.synthetic(layers);
    Random r = new Random(1);
    int policies = 256;
    int[][] w = new int[policies][layers];
    int[][] a = new int[policies][layers];
    List<List<Bits>> lists = new ArrayList<>();
    for (int p = 0; p < policies; p++) {
      List<Bits> list = new ArrayList<>();
      for (int i = 0; i < layers; i++) {
        w[p][i] = 1 + r.nextInt(8);
        a[p][i] = 1 + r.nextInt(8);
        list.add(Bits.of(w[p][i], a[p][i]));
      }
      lists.add(list);
    }
    System.out.printf(
        "100-layer policy evaluation (budget 50 us); %d distinct random policies cycled%n",
        policies);
    System.out.printf(
        "%-13s %12s %14s %14s %16s %12s%n",
        "target", "table build", "table int[]", "table List", "direct (no table)", "int[]/budget");
    for (Target t : Catalogue.builtIn().targets()) {
      long t0 = System.nanoTime();
      CostTable table = null;
      for (int k = 0; k < 5; k++) table = t.table(model);
      double build = (System.nanoTime() - t0) / 5.0;
      CostTable tab = table;
      double arrays = time(
          200_000,
          k -> tab.latency(w[k % policies], a[k % policies])
              + tab.energy(w[k % policies], a[k % policies]));
      double viaList = time(100_000, k -> tab.total(lists.get(k % policies)).seconds());
      double direct =
          time(2_000, k -> t.cost(model, lists.get(k % policies)).total().seconds());
      System.out.printf(
          "%-13s %9.0f us %11.0f ns %11.0f ns %13.0f ns %11.4f%n",
          t.name(), build / 1e3, arrays, viaList, direct, arrays / 50_000);
    }
    System.out.println(
        "(table int[] = latency + energy totals from a CostTable; direct = Target.cost, every layer priced anew)");
  }

  interface Op {
    double run(int k);
  }

  /** Mean nanoseconds per call after a warm-up of the same length; the best of three rounds. */
  static double time(int n, Op op) {
    double s = 0;
    for (int k = 0; k < n; k++) s += op.run(k);
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      for (int k = 0; k < n; k++) s += op.run(k);
      best = Math.min(best, (System.nanoTime() - t0) / (double) n);
    }
    sink = s;
    return best;
  }
}
