package bitlab.dsl.cli;

import bitlab.data.Dataset;
import bitlab.dsl.quant.QuantizeBuilder;
import bitlab.model.Model;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.LayerBits;
import bitlab.quant.Policy;
import bitlab.quant.QatConfig;
import bitlab.quant.QuantException;
import bitlab.quant.QuantizedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "quantize",
    description =
        "Quantize a model (static or dynamic PTQ, or QAT) and compare it with FP32 on the test split.")
final class QuantizeCommand implements Callable<Integer> {
  static final List<String> METHODS =
      List.of("minmax", "percentile:99.99", "mse", "kl", "aciq-laplace", "aciq-gauss");

  @Mixin
  ModelArgs args;

  @Option(
      names = "--bits",
      defaultValue = "8/8",
      description =
          "Weight/activation bits of every layer, e.g. 4/4, or several widths, e.g. 4/4,8/4 (default: ${DEFAULT-VALUE}).")
  String bits;

  @Option(names = "--policy", description = "A per-layer policy JSON file (instead of --bits).")
  Path policyFile;

  @Option(
      names = "--calib",
      defaultValue = "minmax",
      description =
          "Activation calibration: "
              + "minmax, percentile[:P], mse, kl, aciq-laplace, aciq-gauss (default: ${DEFAULT-VALUE}).")
  String calib;

  @Option(
      names = "--weight-calib",
      description = "Weight clipping: same choices (default: minmax).")
  String weightCalib;

  @Option(
      names = "--per-channel",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "One weight scale per output channel (default); --no-per-channel for one per layer.")
  boolean perChannel;

  @Option(names = "--asymmetric", description = "Activations with a zero point.")
  boolean asymmetric;

  @Option(
      names = "--bias-correction",
      description = "Correct the output shift weight quantization causes.")
  boolean biasCorrection;

  @Option(
      names = "--equalize",
      description =
          "Cross-layer equalization and bias absorption before quantizing (data-free; ReLU6 between equalized layers becomes ReLU).")
  boolean equalize;

  @Option(
      names = "--allocate",
      paramLabel = "WHAT",
      defaultValue = "none",
      description =
          "Per-channel bit allocation under each layer's bit budget (Banner et al.): weights (integer-only), "
              + "activations (simulated only), both or none (default: ${DEFAULT-VALUE}).")
  String allocate;

  @Option(
      names = "--adaround",
      description =
          "Learn each weight's rounding (up or down) layer by layer on the calibration images (AdaRound).")
  boolean adaround;

  @Option(
      names = "--adaround-iterations",
      defaultValue = "1000",
      description = "AdaRound's Adam steps per layer (default: ${DEFAULT-VALUE}).")
  int adaroundIterations;

  @Mixin
  GridArgs grid;

  @Option(
      names = "--dynamic",
      description = "Dynamic quantization: activation ranges per batch at run time.")
  boolean dynamic;

  @Option(names = "--qat", description = "Quantization-aware fine-tuning for this many epochs.")
  Integer qatEpochs;

  @Option(names = "--lsq", description = "With --qat: learn the step sizes too.")
  boolean lsq;

  @Option(
      names = "--lr",
      defaultValue = "5e-4",
      description = "QAT learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(
      names = "--calib-images",
      defaultValue = "512",
      description = "Calibration images from the training split.")
  int images;

  @Option(
      names = "--compare",
      description =
          "Run every calibration method (for weights and activations, unless --weight-calib is given; KL for activations only).")
  boolean compare;

  @Option(
      names = "--export-fp32",
      description = "Also write the FP32 model as ONNX here (for comparisons on the same weights).")
  Path exportFp32;

  @Option(
      names = "--onnx",
      paramLabel = "FILE",
      description =
          "Write the quantized model here as an ONNX QDQ graph (static quantization, one method).")
  Path onnx;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  record Row(
      String method,
      String policy,
      double accuracy,
      double dropPoints,
      long sizeBytes,
      long bops) {}

  /** {@code equalizedFp32Accuracy}: the float model after cross-layer equalization (null without --equalize). */
  record Result(
      String model,
      String data,
      double fp32Accuracy,
      Double equalizedFp32Accuracy,
      String equalization,
      long fp32SizeBytes,
      long fp32Bops,
      List<Row> quantized,
      String onnx) {}

  @Override
  public Integer call() {
    List<int[]> widths = new ArrayList<>();
    if (policyFile == null) for (String w : bits.split(",")) widths.add(parseBits(w));
    if (onnx != null && widths.size() > 1)
      throw new QuantException("--onnx writes one quantized model and --bits " + bits + " asks for "
          + widths.size() + "; give one width.");
    if (onnx != null && compare)
      throw new QuantException(
          "--onnx writes one quantized model and --compare makes one per method; drop --compare, or pick the method with --calib.");
    if (onnx != null && dynamic)
      throw new QuantException(
          "--onnx needs fixed activation scales and --dynamic takes them per batch; drop --dynamic to export a QDQ graph.");
    if (onnx != null) bitlab.onnx.OnnxExport.checkWritable(onnx);
    Model net = args.model();
    Dataset data = args.data();
    if (exportFp32 != null) bitlab.onnx.OnnxExport.write(net, exportFp32);
    Model folded = BatchNormFolding.fold(net);
    List<Policy> policies = new ArrayList<>();
    if (policyFile != null) policies.add(Policy.read(policyFile).validate(folded));
    for (int[] wa : widths) policies.add(Policy.uniform(folded, wa[0], wa[1]));
    double fp = net.evaluate(data).accuracy();
    Policy fp32 = Policy.uniform(folded, LayerBits.FLOAT, LayerBits.FLOAT);
    List<Row> rows = new ArrayList<>();
    List<String> methods = compare ? METHODS : List.of(calib);
    // Static PTQ reads its ranges from the float model's histograms, which depend on neither the
    // widths nor the method:
    // one pass over the calibration images serves every row.
    bitlab.quant.Observations observed = null;
    for (Policy policy : policies)
      for (String m : methods) {
        QuantizeBuilder b =
            QuantizeBuilder.of(net, policy).calibrate(data, m, images).rounding(grid.rounding);
        b = perChannel ? b.perChannel() : b.perTensor();
        String wc = weightCalib != null ? weightCalib : compare && !m.equals("kl") ? m : "minmax";
        b = b.weights(wc);
        b = b.placement(grid.placement);
        if (grid.streamBits != null) b = b.streamBits(grid.streamBits);
        if (asymmetric) b = b.asymmetric();
        if (biasCorrection) b = b.biasCorrection();
        if (equalize) b = b.equalize();
        b = b.allocate(allocate);
        if (adaround) b = b.adaRound(adaroundIterations);
        if (dynamic) b = b.dynamic();
        if (qatEpochs != null)
          b = b.qat(QatConfig.of(qatEpochs).withLearningRate(lr).withLearnedStep(lsq));
        QuantizedModel q;
        if (dynamic || qatEpochs != null) {
          q = b.build();
        } else {
          if (observed == null)
            observed = bitlab.quant.Observations.of(
                net, net.prepare(data).calibration(images), b.config().bins(), equalize);
          q = bitlab.quant.Quantizer.ptq(observed, b.policy(), b.config());
        }
        double a = bitlab.integer.Deployment.evaluate(q, data).accuracy();
        rows.add(new Row(q.method(), policy.summary(), a, 100 * (fp - a), q.sizeBytes(), q.bops()));
        if (onnx != null) bitlab.onnx.QdqExport.write(q, onnx);
      }
    Double eqFp = null;
    String eq = null;
    if (equalize) {
      Model equalized = bitlab.quant.CrossLayerEqualization.apply(net);
      eqFp = bitlab.model.Inference.evaluate(equalized, data.test()).accuracy();
      eq = equalized.metadata().get("equalization");
    }
    Result r = new Result(
        net.name(),
        data.name(),
        fp,
        eqFp,
        eq,
        fp32.sizeBytes(folded),
        fp32.bops(folded),
        rows,
        onnx == null ? null : onnx.toString());
    if (json) {
      Json.print(r);
    } else {
      System.err.print("\r");
      System.out.printf(
          "%s on %s: FP32 %.2f%%, %,d bytes, %,d BOPs/image%n",
          r.model(), r.data(), 100 * fp, r.fp32SizeBytes(), r.fp32Bops());
      if (eqFp != null)
        System.out.printf("  FP32 after equalization %.2f%% (%s)%n", 100 * eqFp, eq);
      for (Row row : rows) {
        System.out.printf(
            "  %-8s %6.2f%% (drop %+.2f points)  %,d bytes  %,d BOPs  %s%n",
            row.policy(),
            100 * row.accuracy(),
            row.dropPoints(),
            row.sizeBytes(),
            row.bops(),
            row.method());
      }
      if (onnx != null) System.out.println("  wrote the QDQ model to " + onnx);
    }
    return 0;
  }

  static int[] parseBits(String text) {
    String[] p = text.split("/");
    try {
      if (p.length == 2)
        return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new QuantException(
        "--bits takes WEIGHTS/ACTIVATIONS, e.g. 8/8 or 4/8, got '" + text + "'.");
  }
}
