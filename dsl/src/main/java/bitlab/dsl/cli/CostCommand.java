package bitlab.dsl.cli;

import bitlab.BitlabException;
import bitlab.dsl.hardware.CostReport;
import bitlab.dsl.hardware.Policies;
import bitlab.hardware.LayerCost;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "cost",
    description =
        "Latency, energy and boundness of a model on a hardware target, per layer and in total.")
final class CostCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "A zoo name (see 'bitlab models') or a path to an .onnx file.")
  String model;

  @Option(
      names = "--target",
      required = true,
      description = "A target name (see 'bitlab hardware list').")
  String target;

  @Option(
      names = "--bits",
      description =
          "Weight/activation bits for every layer: W/A, WxAy or one number (default: 8/8).")
  String bits;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "A per-layer policy (bitlab.policy JSON) instead of --bits.")
  Path policy;

  @Option(
      names = "--input",
      description = "Input size (default: the zoo entry's, 224 for ImageNet shapes).")
  Integer input;

  @Option(
      names = "--width",
      defaultValue = "1.0",
      description = "Width multiplier for the MobileNets (default: ${DEFAULT-VALUE}).")
  double width;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin
  TargetArgs targets;

  record Layer(
      int index,
      String name,
      String type,
      int weightBits,
      int activationBits,
      double macs,
      double dramBytes,
      double latencyMs,
      double energyMj,
      double computeMs,
      double memoryMs,
      String bound,
      double boundRatio) {}

  record Total(
      double latencyMs,
      double energyMj,
      double latencyMsPerImage,
      long computeBound,
      long memoryBound) {}

  record Result(
      String model,
      int input,
      String target,
      String kind,
      int batch,
      String bits,
      long bopsPerImage,
      Total total,
      List<Layer> layers) {}

  @Override
  public Integer call() {
    Target t = targets.target(target);
    if (bits != null && policy != null) {
      throw new BitlabException(
          "Give either --bits (every layer alike) or --policy FILE (per layer), not both.");
    }
    Model m;
    int size;
    if (model.endsWith(".onnx")) {
      if (input != null || width != 1.0) {
        throw new BitlabException(
            "--input and --width size a zoo architecture; an .onnx file keeps its own shapes.");
      }
      m = bitlab.onnx.OnnxImport.read(Path.of(model));
      size = m.inputShape().height();
    } else {
      Zoo.Entry e = Zoo.entry(model);
      size = input == null ? e.inputSize() : input;
      m = Zoo.architecture(e.name(), size, width, 0);
    }
    CostReport r = policy != null
        ? CostReport.price(t, m, Policy.read(policy))
        : CostReport.price(
            t, m, Policies.uniform(m.workloads(), Policies.parse(bits == null ? "8/8" : bits)));
    if (json) {
      Json.print(result(r, size));
    } else {
      System.out.println(r.summary());
      System.out.print(r.tableWithTotal().printAll());
      System.out.println();
    }
    return 0;
  }

  static Result result(CostReport r, int size) {
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < r.workloads().size(); i++) {
      LayerCost c = r.cost().layers().get(i);
      layers.add(new Layer(
          c.index(),
          c.layer(),
          Policies.type(r.workloads().get(i)),
          c.bits().weights(),
          c.bits().activations(),
          c.macs(),
          c.dramBytes(),
          c.cost().millis(),
          c.cost().millijoules(),
          c.computeSeconds() * 1e3,
          c.memorySeconds() * 1e3,
          c.bound().name().toLowerCase(java.util.Locale.ROOT),
          c.boundRatio()));
    }
    Total total = new Total(
        r.total().millis(),
        r.total().millijoules(),
        r.millisPerImage(),
        r.cost().count(bitlab.hardware.Bound.COMPUTE),
        r.cost().count(bitlab.hardware.Bound.MEMORY));
    return new Result(
        r.model(),
        size,
        r.target().name(),
        r.target().kind(),
        r.target().batch(),
        r.label(),
        r.bops(),
        total,
        layers);
  }
}
