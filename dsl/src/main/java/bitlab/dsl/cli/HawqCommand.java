package bitlab.dsl.cli;

import bitlab.dsl.hardware.SessionTargets;
import bitlab.dsl.hawq.HawqBuilder;
import bitlab.dsl.hawq.HawqResult;
import bitlab.hardware.Bits;
import bitlab.search.Budget;
import bitlab.search.hawq.HawqException;
import bitlab.search.hawq.IlpJson;
import bitlab.search.hawq.LayerTrace;
import bitlab.search.hawq.Plan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "hawq",
    description =
        "HAWQ-V3: Hessian traces of a model, then the optimal bit allocation under budgets (exact ILP).")
final class HawqCommand implements Callable<Integer> {
  @Mixin
  ModelArgs args;

  @Option(
      names = "--bits",
      split = ",",
      defaultValue = "4,8",
      description = "Candidate widths, weights and activations alike (default: ${DEFAULT-VALUE}).")
  int[] bits;

  @Option(
      names = "--pairs",
      split = ",",
      description = "Candidate pairs instead of --bits, e.g. W4A8,W8A8.")
  List<String> pairs;

  @Option(
      names = "--size",
      description =
          "Size budget: a point 0..1 between the cheapest and dearest policy (0.5), a fraction of the "
              + "all-8-bit size (0.5of8bit), or an amount with unit (40KB, 1.5MB).")
  String size;

  @Option(
      names = "--bops",
      description =
          "BOPs budget: a point 0..1 between the cheapest and dearest policy, 0.5of8bit, or 12e6BOPs.")
  String bops;

  @Option(
      names = "--latency",
      description =
          "Latency budget TARGET=VALUE: a point between the cheapest and dearest policy "
              + "(bismo-edge=0.6), a fraction of 8-bit (bismo-edge=0.6of8bit) or an amount (bismo-edge=2ms).")
  List<String> latency;

  @Option(
      names = "--energy",
      description =
          "Energy budget TARGET=VALUE: 0.6, 0.6of8bit or an amount in mJ (bismo-edge=1.5mJ).")
  List<String> energy;

  @Option(names = "--fix", description = "A layer kept at a pair, LAYER=W8A8 (repeatable).")
  List<String> fix;

  @Option(names = "--fix-ends", description = "Keep the first and last layers at this width.")
  Integer fixEnds;

  @Option(names = "--tie", description = "Layers that share bits, comma-separated (repeatable).")
  List<String> tie;

  @Option(
      names = "--tie-downsamples",
      description = "Tie each residual downsample convolution to its block's first convolution.")
  boolean tieDownsamples;

  @Option(
      names = "--images",
      defaultValue = "256",
      description = "Training images for the Hessian (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--probes",
      defaultValue = "100",
      description = "At most this many Hutchinson probes (default: ${DEFAULT-VALUE}).")
  int probes;

  @Option(
      names = "--probe-space",
      defaultValue = "output",
      description =
          "Where Hutchinson's Rademacher probes live: output (the images' logits; one gradient per probe for all layers), per-layer or joint (default: ${DEFAULT-VALUE}).")
  String probeSpace;

  @Option(
      names = "--curvature",
      defaultValue = "jacobian",
      description =
          "With --probe-space per-layer, how a probe's v'Hv is computed: jacobian (the logits' exact derivative; exact for piecewise-linear networks), exact (an exact Hessian-vector product) or gradients (central differences of gradients, a check) (default: ${DEFAULT-VALUE}).")
  String curvature;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of the probes (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--accuracy",
      description = "Also measure PTQ accuracy of the plan and of the uniform policies.")
  boolean accuracy;

  @Option(
      names = "--ilp-out",
      paramLabel = "FILE",
      description = "Write the ILP problem (for 'bitlab ilp --input').")
  Path ilpOut;

  @Option(
      names = "--policy-out",
      paramLabel = "FILE",
      description = "Write the plan as a bitlab.policy JSON file.")
  Path policyOut;

  @Option(
      names = "--time-limit",
      paramLabel = "SECONDS",
      defaultValue = "20",
      description =
          "The ILP searches at most this long; then the best plan found, with how far above the optimum it may be (default: ${DEFAULT-VALUE}).")
  double timeLimit;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  record Trace(
      String layer,
      double averageTrace,
      double standardError,
      double trace,
      long weights,
      int probes) {}

  record Uniform(String bits, double omega, boolean meetsBudgets, Double accuracy) {}

  @Override
  public Integer call() throws IOException {
    // Output files are checked before the traces, which can take minutes.
    if (ilpOut != null) bitlab.files.WholeFile.checkWritable(ilpOut);
    if (policyOut != null) bitlab.files.WholeFile.checkWritable(policyOut);
    HawqBuilder h =
        HawqBuilder.of(args.model(), args.data()).images(images).probes(probes).seed(seed);
    switch (probeSpace.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "output":
        h = h.outputProbes();
        break;
      case "per-layer":
        h = h.perLayerProbes().curvature(curvature);
        break;
      case "joint":
        h = h.jointProbes();
        break;
      default:
        throw new HawqException(
            "--probe-space takes output, per-layer or joint; got '" + probeSpace + "'.");
    }
    h = pairs != null
        ? h.candidates(pairs.stream().map(bitlab.dsl.hardware.Policies::parse).toArray(Bits[]::new))
        : h.bits(bits);
    if (size != null) h = h.budget(Budget.parse(Budget.Metric.SIZE, size, Budget.Scale.BETWEEN));
    if (bops != null) h = h.budget(Budget.parse(Budget.Metric.BOPS, bops, Budget.Scale.BETWEEN));
    for (String l : latency == null ? List.<String>of() : latency)
      h = h.budget(onTarget(Budget.Metric.LATENCY, l, "--latency"));
    for (String e : energy == null ? List.<String>of() : energy)
      h = h.budget(onTarget(Budget.Metric.ENERGY, e, "--energy"));
    if (fixEnds != null) h = h.fixFirstAndLast(fixEnds);
    for (String f : fix == null ? List.<String>of() : fix) {
      String[] kv = f.split("=", 2);
      if (kv.length != 2)
        throw new HawqException("--fix takes LAYER=PAIR, e.g. conv1=W8A8; got '" + f + "'.");
      h = h.fix(kv[0].trim(), bitlab.dsl.hardware.Policies.parse(kv[1].trim()));
    }
    for (String t : tie == null ? List.<String>of() : tie) h = h.tie(t.split(","));
    if (tieDownsamples) h = h.tieDownsamples();
    h = h.timeLimit(timeLimit);
    HawqResult r = h.solve();
    Plan p = r.plan();
    if (ilpOut != null) writeWhole(ilpOut, IlpJson.write(p.problem()));
    if (policyOut != null) writeWhole(policyOut, p.policy().toJson());
    Double planAccuracy = accuracy ? h.ptqAccuracy(p.policy()) : null;
    List<Uniform> uniform = new ArrayList<>();
    for (Plan.Uniform u : p.uniform()) {
      Double acc = accuracy
          ? h.ptqAccuracy(bitlab.quant.Policy.of(
              p.model(), java.util.Collections.nCopies(p.layers().size(), u.bits())))
          : null;
      uniform.add(new Uniform(u.bits().toString(), u.omega(), u.fits(), acc));
    }
    System.err.print("\r");
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("model", p.model().name());
      out.put("data", p.traces().data());
      out.put("images", p.traces().images());
      out.put("seed", seed);
      out.put(
          "probeSpace",
          p.traces()
              .options()
              .probes()
              .name()
              .toLowerCase(java.util.Locale.ROOT)
              .replace('_', '-'));
      out.put(
          "curvature", p.traces().options().curvature().name().toLowerCase(java.util.Locale.ROOT));
      out.put("tracesConverged", p.traces().converged());
      out.put("tracesSeconds", p.traces().seconds());
      List<Trace> traces = new ArrayList<>();
      for (LayerTrace t : p.traces().layers()) {
        traces.add(new Trace(
            t.layer(), t.average(), t.averageError(), t.trace(), t.parameters(), t.probes()));
      }
      out.put("traces", traces);
      out.put("budgets", p.budgets().stream().map(Budget::toString).toList());
      out.put("solution", IlpJson.toJson(p.solution()));
      out.put("policy", com.google.gson.JsonParser.parseString(p.policy().toJson()));
      if (planAccuracy != null) out.put("ptqAccuracy", planAccuracy);
      out.put("uniform", uniform);
      out.put("ilp", IlpJson.toJson(p.problem()));
      Json.print(out);
    } else {
      System.out.print(p);
      if (planAccuracy != null)
        System.out.printf("PTQ accuracy of the plan: %.2f%%%n", 100 * planAccuracy);
      for (Uniform u : uniform) {
        if (u.accuracy() != null)
          System.out.printf("PTQ accuracy of uniform %s: %.2f%%%n", u.bits(), 100 * u.accuracy());
      }
    }
    return 0;
  }

  /** {@code TARGET=VALUE}: the value as {@link Budget#parse} reads it (a bare number is a point between). */
  private static Budget onTarget(Budget.Metric m, String spec, String option) {
    String[] kv = spec.split("=", 2);
    if (kv.length != 2)
      throw new HawqException(
          option + " takes TARGET=VALUE, e.g. bismo-edge=0.6; got '" + spec + "'.");
    return Budget.parse(m, kv[1], Budget.Scale.BETWEEN).on(SessionTargets.named(kv[0].trim()));
  }

  /** Writes the whole file or nothing, keeping an existing file's permissions and links ({@link bitlab.files.WholeFile}). */
  static void writeWhole(Path path, String text) throws IOException {
    bitlab.files.WholeFile.write(path, text);
  }
}
