package bitlab.bench;

import bitlab.data.Samples;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.integer.Profile;
import bitlab.model.Model;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code ./bitlab bench integer choices MODEL@SIZE [BATCH] [W/A,W/A...]}: the kernel each step of a model runs, for
 * several widths built in one process (default W8A8 and W4A4), side by side, and how many layers the programs run
 * differently; then the programs' whole calls alternating, with each one's median, interquartile range and its time
 * over the first's. Kernel choices made by timing ({@code FasterOfKernel}: Java or oneDNN for a depthwise layer) are
 * shared by the programs of one process, so every row should agree; two runs of this command show whether they agree
 * between processes too.
 */
final class ChoicesBench {
  private ChoicesBench() {}

  static void run(String[] args) throws Exception {
    if (args.length < 1)
      throw new IllegalArgumentException(
          "usage: ./bitlab bench integer choices MODEL@SIZE [BATCH] [W/A,W/A...], e.g. mobilenet-v2@224 8 8/8,4/4");
    if (!args[0].contains("@"))
      throw new IllegalArgumentException(
          "choices takes a zoo model at a size, e.g. mobilenet-v2@224, not " + args[0] + ".");
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    String[] widths = (args.length > 2 ? args[2] : "8/8,4/4").split(",");
    Model net = IntegerBench.model(args[0]);
    Samples calib = IntegerBench.random(net, Math.max(8, batch));
    INDArray x = calib.images().get(NDArrayIndex.interval(0, batch)).dup();
    List<IntegerModel> programs = new ArrayList<>();
    for (String w : widths) programs.add(IntegerBench.uniform(net, w, calib));
    // each program is warmed until its kernels settle (Latency.warm, inside profile), the first
    // deciding the shared verdicts; the profiles follow in build order
    List<Profile> profiles = new ArrayList<>();
    for (IntegerModel iq : programs) profiles.add(iq.profile(x, 9));
    System.out.printf("%s batch %d, kernels per step (one process):%n", args[0], batch);
    StringBuilder head = new StringBuilder(String.format("  %-22s", "step"));
    for (String w : widths)
      head.append(String.format(" %-22s %8s", "W" + w.replace("/", "A") + " kernel", "ms"));
    System.out.println(head);
    int differ = 0, layers = 0;
    Profile first = profiles.get(0);
    for (int i = 0; i < first.rows().size(); i++) {
      Profile.Row r0 = first.rows().get(i);
      if (r0.macs() == 0) continue;
      layers++;
      StringBuilder line = new StringBuilder(String.format("  %-22s", r0.step()));
      boolean same = true;
      for (Profile pr : profiles) {
        Profile.Row r = pr.rows().stream()
            .filter(q -> q.step().equals(r0.step()))
            .findFirst()
            .orElse(null);
        String k = r == null
            ? "-"
            : r.kernel() + (r.why().contains("(last call as one") ? " (one piece)" : "");
        same &= r != null && k.equals(kernelOf(r0));
        line.append(String.format(" %-22s %8.2f", k, r == null ? Double.NaN : r.ms()));
      }
      if (!same) differ++;
      System.out.println(line + (same ? "" : "   << differs"));
    }
    System.out.printf(
        "  %d of %d layers run a different kernel in the programs of this process%n",
        differ, layers);
    List<Runnable> calls = new ArrayList<>();
    for (IntegerModel iq : programs) calls.add(() -> iq.predict(x));
    double[][] t = Latency.alternateSamples(calls, 15, 20, r -> {}, true);
    double[] med = IntegerBench.medians(t);
    System.out.printf("whole calls, 15 rounds alternating (rotated), batch %d:%n", batch);
    for (int k = 0; k < programs.size(); k++)
      System.out.printf(
          "  W%-6s %8.2f ms  IQR %5.1f%%  %5.2fx of W%s%n",
          widths[k].replace("/", "A"),
          med[k],
          IntegerBench.spread(t[k]),
          med[k] / med[0],
          widths[0].replace("/", "A"));
  }

  private static String kernelOf(Profile.Row r) {
    return r.kernel() + (r.why().contains("(last call as one") ? " (one piece)" : "");
  }
}
