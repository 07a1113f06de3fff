package bitlab.dsl.cli;

import bitlab.BitlabException;
import bitlab.data.Dataset;
import bitlab.dsl.quant.QuantizeBuilder;
import bitlab.dsl.quant.Quantized;
import bitlab.integer.IntegerModel;
import bitlab.integer.LayerTrace;
import bitlab.integer.Profile;
import bitlab.integer.Trace;
import bitlab.model.Model;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.Policy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "integer",
    description =
        "Quantize a model statically, compile it to integer-only arithmetic and compare float, simulated and integer accuracy.")
final class IntegerCommand implements Callable<Integer> {
  @Mixin
  ModelArgs args;

  @Option(
      names = "--bits",
      defaultValue = "8/8",
      description = "Weight/activation bits of every layer, e.g. 4/4 (default: ${DEFAULT-VALUE}).")
  String bits;

  @Option(names = "--policy", description = "A per-layer policy JSON file (instead of --bits).")
  Path policyFile;

  @Option(
      names = "--calib",
      defaultValue = "minmax",
      description = "Activation calibration (default: ${DEFAULT-VALUE}).")
  String calib;

  @Option(
      names = "--calib-images",
      defaultValue = "512",
      description = "Calibration images from the training split.")
  int images;

  @Mixin
  GridArgs grid;

  @Option(
      names = "--verify",
      description =
          "Trace test images through the executor, its float64 simulation and the fake-quantized model; "
              + "require bit-exactness with the first and the same predictions as the second.")
  boolean verify;

  @Option(
      names = "--verify-images",
      defaultValue = "64",
      description = "Test images traced by --verify (default: ${DEFAULT-VALUE}).")
  int verifyImages;

  @Option(
      names = "--profile",
      description =
          "Time every step on 8 test images after a warm-up: milliseconds, share, GMAC/s, and which kernel ran it and why.")
  boolean profile;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  record Step(
      String node,
      String op,
      long elements,
      long mismatchesVsSimulation,
      long mismatchesVsFakeQuant) {}

  /** One step of {@code --profile}: its median milliseconds, share of the batch's time, GMAC/s (null without weights), kernel and why. */
  record ProfiledStep(
      String node, String op, double ms, double share, Double gmacs, String kernel, String why) {}

  record Result(
      String model,
      String data,
      String policy,
      double fp32Accuracy,
      double simulatedAccuracy,
      double integerAccuracy,
      long integerBytes,
      Boolean bitExact,
      Integer tracedImages,
      Integer predictionsEqualToSimulation,
      Integer predictionsEqualToFakeQuant,
      List<Step> trace,
      String instructionSet,
      List<ProfiledStep> profile) {}

  @Override
  public Integer call() {
    Model net = args.model();
    Dataset data = net.prepare(args.data());
    Policy policy;
    if (policyFile != null) {
      policy = Policy.read(policyFile).validate(BatchNormFolding.fold(net));
    } else {
      int[] wa = QuantizeCommand.parseBits(bits);
      policy = Policy.uniform(BatchNormFolding.fold(net), wa[0], wa[1]);
    }
    if (verifyImages < 1)
      throw new BitlabException(
          "--verify-images needs at least 1 image, got " + verifyImages + ".");
    QuantizeBuilder qb = QuantizeBuilder.of(net, policy)
        .calibrate(data, calib, images)
        .rounding(grid.rounding)
        .placement(grid.placement);
    if (grid.streamBits != null) qb = qb.streamBits(grid.streamBits);
    Quantized q = qb.build();
    IntegerModel iq = q.integer();
    double fp = net.evaluate(data).accuracy();
    double sim = q.simulate(data.test()).accuracy();
    double in = iq.evaluate(data).accuracy();
    Trace t = verify
        ? iq.trace(data.test().take(Math.min(verifyImages, data.test().size())).images())
        : null;
    List<Step> steps = t == null
        ? null
        : t.rows().stream()
            .map(r ->
                new Step(r.node(), r.op(), r.elements(), r.simMismatches(), r.fakeMismatches()))
            .toList();
    Profile p = profile ? iq.profile(data) : null;
    List<ProfiledStep> profiled = p == null
        ? null
        : p.rows().stream()
            .map(s -> new ProfiledStep(
                s.step(),
                s.op(),
                s.ms(),
                p.share(s),
                Double.isNaN(s.gmacs()) ? null : s.gmacs(),
                s.kernel(),
                s.why()))
            .toList();
    Result r = new Result(
        net.name(),
        data.name(),
        policy.summary(),
        fp,
        sim,
        in,
        iq.bytes(),
        t == null ? null : t.exact(),
        t == null ? null : t.images(),
        t == null ? null : t.predictionsAgreeSim(),
        t == null ? null : t.predictionsAgreeFake(),
        steps,
        p == null ? null : p.cpu(),
        profiled);
    if (json) {
      Json.print(r);
    } else {
      System.err.print("\r");
      System.out.printf(
          "%s %s on %s: FP32 %.2f%%, simulated %.2f%%, integer-only %.2f%% (%,d bytes)%n",
          r.model(), r.policy(), r.data(), 100 * fp, 100 * sim, 100 * in, r.integerBytes());
      if (t != null) System.out.print(t);
      if (p != null) System.out.print(p);
    }
    if (t != null && !t.exact()) {
      LayerTrace first = t.firstMismatch();
      System.err.println(
          "bitlab integer: not bit-exact: the executor and its simulation part at step '"
              + first.node() + "' (" + first.simMismatches() + " of " + first.elements()
              + " codes differ).");
      return 1;
    }
    if (t != null && t.predictionsAgreeFake() != t.images()) {
      System.err.println(
          "bitlab integer: the executor predicts differently from the fake-quantized model on "
              + (t.images() - t.predictionsAgreeFake()) + " of " + t.images()
              + " traced images; the rows above say where their codes part.");
      return 1;
    }
    return 0;
  }
}
