package bitlab.dsl;

import bitlab.BitlabException;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.dsl.hardware.AcrossTargets;
import bitlab.dsl.hardware.Comparison;
import bitlab.dsl.hardware.CostReport;
import bitlab.dsl.hardware.EqualBops;
import bitlab.dsl.hardware.Policies;
import bitlab.dsl.hardware.SessionTargets;
import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.model.Evaluation;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.train.TrainConfig;
import bitlab.train.TrainResult;
import bitlab.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

/**
 * The notebook vocabulary: every public entry point a cell can call without imports
 * (the kernel preloads {@code import static bitlab.dsl.Bitlab.*}).
 */
public final class Bitlab {
  private Bitlab() {}

  /** The bitlab version, as built. */
  public static String version() {
    return bitlab.Version.current();
  }

  // ---- data ----

  /**
   * MNIST-10k: 28x28 digits, 6,400 training, 1,600 validation (20% of every digit of the 8,000-image training
   * split, seed 42) and 2,000 test images, normalised (mean 0.1307, std 0.3081).
   */
  public static Dataset mnist() {
    return Datasets.mnist();
  }

  /** scikit-learn's 8x8 digits: 1,797 images, the fastest data set for experiments. */
  public static Dataset digits() {
    return Datasets.digits();
  }

  /** CIFAR-10 in its binary format (data_batch_1..5.bin, test_batch.bin) from a folder you provide. */
  public static Dataset cifar10(String dir) {
    return Datasets.cifar10(Path.of(dir));
  }

  /**
   * A folder of images with one sub-folder per class (or {@code train/}, {@code test/} and optionally {@code val/}
   * folders of them); large folders are streamed from their files.
   */
  public static Dataset images(String dir) {
    return Datasets.images(Path.of(dir));
  }

  /** A folder of images, each resized to {@code height x width} as it is read. */
  public static Dataset images(String dir, int height, int width) {
    return Datasets.images(Path.of(dir), height, width);
  }

  /**
   * A data set from a file or folder, read by its type: an {@code .npz} archive ({@code x_train}, {@code y_train},
   * {@code x_test}, ... or {@code x}, {@code y}), a CSV of pixels (a label column and one column per pixel), a folder
   * of IDX files (MNIST's layout), a CIFAR-10 binary folder or a folder of images. Splits the files do not declare
   * are made stratified with seed 42 (20% test, then 20% of the rest as validation) and said in its source.
   */
  public static Dataset data(String path) {
    return Datasets.read(Path.of(path));
  }

  /** Images and labels saved with {@code numpy.save}: {@code npy("x.npy", "y.npy")}. */
  public static Dataset npy(String images, String labels) {
    return Datasets.npy(Path.of(images), Path.of(labels));
  }

  /** An archive saved with {@code numpy.savez}: {@code x_train}, {@code y_train} (and validation and test), or {@code x}, {@code y}. */
  public static Dataset npz(String path) {
    return Datasets.npz(Path.of(path));
  }

  /** A CSV file of images: a label column (named label, or the first) and one column per pixel. */
  public static Dataset csv(String path) {
    return Datasets.csv(Path.of(path));
  }

  /** Training images from one CSV file, test images from another. */
  public static Dataset csv(String train, String test) {
    return Datasets.csv(Path.of(train), Path.of(test));
  }

  /** Images and labels in two IDX files (gzip-compressed or not), e.g. Fashion-MNIST's. */
  public static Dataset idx(String images, String labels) {
    return Datasets.idx(Path.of(images), Path.of(labels));
  }

  // ---- models ----

  /** The zoo catalogue as a table. */
  public static Table zoo() {
    return Tables.zoo();
  }

  /** A zoo model: trained weights for the MNIST-scale minis, seeded random weights for ImageNet shapes. */
  public static Model zoo(String name) {
    return Zoo.load(name);
  }

  /** A zoo architecture at another input size (e.g. {@code zoo("mobilenet-v1", 224)}), random weights unless it is a mini at 28. */
  public static Model zoo(String name, int inputSize) {
    return zoo(name, inputSize, 1.0);
  }

  /** A zoo architecture with a width multiplier (MobileNets), random weights unless it is the shipped configuration. */
  public static Model zoo(String name, int inputSize, double width) {
    Zoo.Entry e = Zoo.entry(name);
    if (e.trained() && inputSize == e.inputSize() && width == 1.0) return Zoo.load(name);
    return Zoo.architecture(name, inputSize, width, 0);
  }

  /** Imports an FP32 ONNX model (as PyTorch and torchvision export them). */
  public static Model onnx(String path) {
    return bitlab.onnx.OnnxImport.read(Path.of(path));
  }

  /** Exports a model as FP32 ONNX (opset 13), with bitlab's provenance in its metadata; the file appears whole or not at all. */
  public static Path exportOnnx(Model model, String path) {
    Path p = Path.of(path);
    bitlab.onnx.OnnxExport.write(model, p);
    return p;
  }

  /** The layer table of a model. */
  public static Table layers(Model model) {
    return Tables.layers(model);
  }

  /** Top-1 accuracy on the data set's test split, with the model's preprocessing applied. */
  public static Evaluation evaluate(Model model, Dataset data) {
    return model.evaluate(data);
  }

  /** Trains a model on the data set's training split with Adam and a cosine schedule. */
  public static TrainResult train(Model model, Dataset data, int epochs) {
    return Trainer.train(model, data, TrainConfig.adam(epochs, 1));
  }

  /** Trains with a full configuration ({@code TrainConfig.sgd(epochs, seed)}, {@code TrainConfig.adam(...)}, with-ers). */
  public static TrainResult train(Model model, Dataset data, TrainConfig config) {
    return Trainer.train(model, data, config);
  }

  // ---- hardware ----

  /** The hardware catalogue as a table: name, kind, description, images per run, key parameters (targets declared in this session included). */
  public static Table hardware() {
    return SessionTargets.table();
  }

  /** Adds a folder of target files ({@code NAME.yaml}, as in hardware/targets) to the session's catalogue, and lists it. */
  public static Table hardwareFolder(String dir) {
    SessionTargets.addFolder(Path.of(dir));
    return SessionTargets.table();
  }

  /**
   * A target by name, e.g. {@code hardware("bismo-edge")}; it renders its parameters with their sources. Text of
   * several lines is read as a target's YAML instead (kept for the session under its {@code name:}, if it has one).
   */
  public static Target hardware(String nameOrYaml) {
    if (nameOrYaml != null && nameOrYaml.contains("\n")) return SessionTargets.inline(nameOrYaml);
    return SessionTargets.named(nameOrYaml);
  }

  /** Declares a target from YAML (kind, parameters, as in hardware/targets); {@code hardware(name)} finds it afterwards. */
  public static Target declareHardware(String name, String yaml) {
    return SessionTargets.declare(name, yaml);
  }

  /** What a {@code %%hardware NAME} cell calls: the same as {@link #declareHardware}. */
  public static Target hardwareFromYaml(String name, String yaml) {
    return declareHardware(name, yaml);
  }

  // typed bit pairs a cell names without bits(...): cost(edge, net, W4A8), quantize(net,
  // policy(net, W4A8))
  public static final Bits W8A8 = Bits.W8A8;
  public static final Bits W8A4 = Bits.W8A4;
  public static final Bits W6A6 = Bits.W6A6;
  public static final Bits W5A5 = Bits.W5A5;
  public static final Bits W4A8 = Bits.W4A8;
  public static final Bits W4A4 = Bits.W4A4;
  public static final Bits W3A3 = Bits.W3A3;
  public static final Bits W2A8 = Bits.W2A8;
  public static final Bits W2A2 = Bits.W2A2;
  public static final Bits W1A1 = Bits.W1A1;

  /** A bit pair: weight bits and activation bits (1..8; 16 or 32 for unquantized). */
  public static Bits bits(int weights, int activations) {
    return Bits.of(weights, activations);
  }

  /** A bit pair from text: {@code "W4A8"}, {@code "4/8"} or {@code "8"}. */
  public static Bits bits(String text) {
    return Policies.parse(text);
  }

  /** {@code net} priced on {@code target} with every layer at {@code bits}: per-layer latency, energy, boundness, totals. */
  public static CostReport cost(Target target, Model net, Bits bits) {
    return CostReport.price(target, net, Policies.uniform(net.workloads(), bits));
  }

  /** As {@link #cost(Target, Model, Bits)} with the bits as text, e.g. {@code cost(edge, net, "4/8")}. */
  public static CostReport cost(Target target, Model net, String bits) {
    return cost(target, net, Policies.parse(bits));
  }

  /** {@code net} priced on {@code target} under a quantization policy (layers matched by name). */
  public static CostReport cost(Target target, Model net, Policy policy) {
    return CostReport.price(target, net, policy);
  }

  /**
   * A quantized model priced on {@code target}: its policy, with every tensor moved at the width the model stores it
   * at (its placement: the 8-bit residual stream that 4-bit layers read, a residual Add's second branch, int32 logits).
   */
  public static CostReport cost(Target target, bitlab.quant.QuantizedModel q) {
    return CostReport.price(target, q);
  }

  /** Two quantization policies on one target, per-layer latency side by side. */
  public static Comparison compare(Target target, Model net, Policy a, Policy b) {
    return new Comparison(cost(target, net, a), cost(target, net, b));
  }

  /** Two uniform policies on one target, per-layer latency side by side: {@code compare(edge, net, W8A8, W4A4)}. */
  public static Comparison compare(Target target, Model net, Bits a, Bits b) {
    return new Comparison(cost(target, net, a), cost(target, net, b));
  }

  /** As {@link #compare(Target, Model, Bits, Bits)} with the pairs as text: {@code compare(edge, net, "W8A8", "4/4")}. */
  public static Comparison compare(Target target, Model net, String a, String b) {
    return compare(target, net, Policies.parse(a), Policies.parse(b));
  }

  /** Any two pricings of one model side by side (e.g. one policy on two targets). */
  public static Comparison compare(CostReport a, CostReport b) {
    return new Comparison(a, b);
  }

  /** The roofline of {@code target} at {@code bits} with every layer of {@code net} placed under it (log-log). */
  public static XYChart roofline(Target target, Model net, Bits bits) {
    return cost(target, net, bits).roofline();
  }

  /** One row per named target: {@code net} at {@code bits}, totals per run and per image, boundness, depthwise and pointwise shares. */
  public static Table costs(Model net, Bits bits, String... targets) {
    List<Target> ts = targets.length == 0
        ? SessionTargets.all()
        : Arrays.stream(targets).map(SessionTargets::named).toList();
    return AcrossTargets.table(net, Policies.uniform(net.workloads(), bits), ts);
  }

  /**
   * Two policies with exactly the BOPs of uniform {@code base} and different latency on {@code target}: of all
   * policies that change two layers of {@code base} and keep its BOPs, the fastest and the slowest.
   */
  public static EqualBops equalBops(Target target, Model net, Bits base) {
    return EqualBops.exchange(target, net.name(), net.workloads(), base);
  }

  /** Two policies with exactly equal BOPs from pairs of one product (e.g. W2A8, W4A4, W8A2): per layer the fastest, and the slowest. */
  public static EqualBops equalBops(Target target, Model net, List<Bits> sameProduct) {
    return EqualBops.orientation(target, net.name(), net.workloads(), sameProduct);
  }

  /** Bit operations per image of a per-layer policy: the sum of w x a x MACs. */
  public static long bops(Model net, Policy policy) {
    return policy.bops(net);
  }

  /** Bit operations per image with every layer at {@code bits}. */
  public static long bops(Model net, Bits bits) {
    return Policies.bops(net.workloads(), Policies.uniform(net.workloads(), bits));
  }

  // ---- HAQ ----

  /** A HAQ search: {@code haq(net, data).on(hardware("bismo-edge")).latency(0.6).episodes(100).seed(1).run()}. */
  public static bitlab.dsl.haq.HaqBuilder haq(Model net, Dataset data) {
    return new bitlab.dsl.haq.HaqBuilder(net, data);
  }

  // ---- quantization ----

  /** Every layer of {@code net} at these weight and input-activation bits (1..16; 32 keeps a layer in float). */
  public static bitlab.quant.Policy policy(Model net, int weightBits, int activationBits) {
    return bitlab.quant.Policy.uniform(
        bitlab.quant.BatchNormFolding.fold(net), weightBits, activationBits);
  }

  /** Every layer of {@code net} at one pair: {@code policy(net, W4A8)}. */
  public static bitlab.quant.Policy policy(Model net, Bits bits) {
    return policy(net, bits.weights(), bits.activations());
  }

  /** Bit pairs, one per quantizable layer in layer order ({@code Policy.bits()} gives them back), as a {@link Policy}. */
  public static bitlab.quant.Policy policy(Model net, List<Bits> pairs) {
    return bitlab.quant.Policy.of(bitlab.quant.BatchNormFolding.fold(net), pairs);
  }

  /** A policy saved as JSON ({@code policy.write(path)}, or a search's output). */
  public static bitlab.quant.Policy policy(String jsonFile) {
    return bitlab.quant.Policy.read(Path.of(jsonFile));
  }

  // ---- calibration methods, typed (the names "minmax", "percentile:99.9", "mse", "kl", "aciq" are
  // read by Calibration.parse) ----

  /** Activation (or weight) ranges from the smallest and largest value seen. */
  public static bitlab.quant.Calibration minmax() {
    return bitlab.quant.Calibration.MINMAX;
  }

  /** Ranges clipped at this percentile of the magnitudes seen, e.g. {@code percentile(99.9)} (in (50, 100]). */
  public static bitlab.quant.Calibration percentile(double percent) {
    return new bitlab.quant.Calibration.Percentile(percent);
  }

  /** The clip that minimises the mean squared quantization error. */
  public static bitlab.quant.Calibration mse() {
    return bitlab.quant.Calibration.MSE;
  }

  /** The clip that minimises the KL divergence between the float and the quantized histograms (TensorRT's entropy method). */
  public static bitlab.quant.Calibration kl() {
    return bitlab.quant.Calibration.KL;
  }

  /** ACIQ's analytically optimal clip for a Laplace fit of the values. */
  public static bitlab.quant.Calibration aciq() {
    return bitlab.quant.Calibration.ACIQ_LAPLACE;
  }

  /** ACIQ's clip for a fit of this distribution: {@code aciq(LAPLACE)} or {@code aciq(GAUSSIAN)}. */
  public static bitlab.quant.Calibration aciq(bitlab.quant.Calibration.Aciq.Prior prior) {
    return new bitlab.quant.Calibration.Aciq(prior);
  }

  /** ACIQ's Laplace prior, for {@code aciq(LAPLACE)}. */
  public static final bitlab.quant.Calibration.Aciq.Prior LAPLACE =
      bitlab.quant.Calibration.Aciq.Prior.LAPLACE;

  /** ACIQ's Gaussian prior, for {@code aciq(GAUSSIAN)}. */
  public static final bitlab.quant.Calibration.Aciq.Prior GAUSSIAN =
      bitlab.quant.Calibration.Aciq.Prior.GAUSSIAN;

  /** Starts a quantization: {@code quantize(net, policy).calibrate(data, kl()).build()}; also {@code .dynamic()}, {@code .qat(epochs)}. */
  public static bitlab.dsl.quant.QuantizeBuilder quantize(Model net, bitlab.quant.Policy policy) {
    return bitlab.dsl.quant.QuantizeBuilder.of(net, policy);
  }

  /** Starts a quantization with every layer at one pair: {@code quantize(net, W4A8)}. */
  public static bitlab.dsl.quant.QuantizeBuilder quantize(Model net, Bits bits) {
    return quantize(net, policy(net, bits));
  }

  /** Starts a quantization with every layer at {@code weightBits} / {@code activationBits}. */
  public static bitlab.dsl.quant.QuantizeBuilder quantize(
      Model net, int weightBits, int activationBits) {
    return quantize(net, policy(net, weightBits, activationBits));
  }

  /** FP32 against quantized versions on the test split: accuracy, drop, size in bytes, BOPs. */
  public static Table compareQuantized(
      Dataset data, Model fp32, bitlab.quant.QuantizedModel... quantized) {
    return bitlab.dsl.quant.QuantTables.compare(data, fp32, quantized);
  }

  /** Histogram of an activation tensor or a layer's weights with the clipping range marked. */
  public static XYChart histogram(bitlab.quant.QuantizedModel q, String tensorOrLayer) {
    return bitlab.dsl.quant.QuantCharts.histogram(q, tensorOrLayer);
  }

  /** Trains the binarized LeNet-style net on {@code data} and runs it both in float simulation and by XNOR-popcount. */
  public static bitlab.dsl.quant.BinaryReport binarized(Dataset data, int epochs) {
    return bitlab.dsl.quant.BinaryReport.train(data, epochs, 1);
  }

  // ---- HAWQ-V3 ----

  /**
   * A HAWQ-V3 plan: {@code hawq(net, data).bits(4, 8).size(0.5).latency(hardware("bismo-edge"), 0.7).solve()};
   * {@code .pareto(8, true)} sweeps the first budget with PTQ accuracies.
   */
  public static bitlab.dsl.hawq.HawqBuilder hawq(Model net, Dataset data) {
    return bitlab.dsl.hawq.HawqBuilder.of(net, data);
  }

  // ---------------------------------------------------------------- integer-only inference

  /**
   * This machine as a hardware target: every layer of {@code net} timed on the integer executor at each
   * bit pair 2..8 (batch 1, median of 5 rounds), written as a {@code lut} target {@code name.yaml} +
   * {@code name.csv} into {@code dir}, which joins the session's catalogue: {@code hardware(name)} finds it.
   */
  public static Target measureHardware(Model net, String name, String dir) {
    return measureHardware(net, name, dir, 1, 5);
  }

  public static Target measureHardware(Model net, String name, String dir, int batch, int rounds) {
    Path folder = Path.of(dir);
    bitlab.integer.MeasuredTarget.profile(net, batch, rounds).write(folder, name);
    SessionTargets.addFolder(folder);
    return SessionTargets.named(name);
  }

  /** The dyadic number {@code b / 2^c} closest to a real multiplier (31-bit {@code b}), as the integer executor uses it. */
  public static bitlab.integer.Dyadic dyadic(double multiplier) {
    return bitlab.integer.Dyadic.of(multiplier);
  }

  /** The network with every BatchNorm that follows a Conv or Linear folded into that layer's weights and bias. */
  public static Model foldBatchNorm(Model net) {
    return bitlab.quant.BatchNormFolding.fold(net);
  }

  // ---- mixed precision, and layers priced by hand (tutorials 07 and 08) ----

  /**
   * Each layer of {@code net} alone quantized at {@code bits} (static PTQ, min-max, per-channel weights; every other
   * layer in float) and evaluated on the test split: the accuracy each layer costs on its own, beside its weights and
   * MACs. {@code bits(2, 32)} quantizes weights only, {@code bits(8, 2)} mostly the layer's input activations.
   */
  public static bitlab.dsl.mixed.Sensitivity sensitivity(Model net, Dataset data, Bits bits) {
    return bitlab.dsl.mixed.Sensitivity.measure(net, data, bits);
  }

  /**
   * Named policies side by side: accuracy, size, BOPs and latency per image on each target, e.g.
   * {@code tradeoffs(net, data, hardware("bismo-edge")).add("W8A8", policy(net, 8, 8)).add("fc1 W2", policy(net, 8, 8).with("fc1", 2, 8))}.
   */
  public static bitlab.dsl.mixed.Tradeoffs tradeoffs(Model net, Dataset data, Target... targets) {
    return bitlab.dsl.mixed.Tradeoffs.of(net, data, Arrays.asList(targets));
  }

  /**
   * {@code count} random per-layer policies (widths 2..8, seeded) priced on {@code target}: how often BOPs or weight
   * size order two policies the other way round from their latency, with scatter charts.
   */
  public static bitlab.dsl.mixed.ProxyStudy proxies(
      Target target, Model net, int count, long seed) {
    return bitlab.dsl.mixed.ProxyStudy.sample(target, net, count, seed, 2, 8);
  }

  /** One convolution described by hand (square map, "same" padding), for {@code cost(target, List.of(...), bits)}. */
  public static bitlab.hardware.LayerWorkload convLayer(
      String name, int in, int out, int kernel, int stride, int inputSize) {
    return bitlab.dsl.hardware.Layers.conv(name, in, out, kernel, stride, inputSize);
  }

  /** One depthwise convolution described by hand (one KxK filter per channel). */
  public static bitlab.hardware.LayerWorkload depthwiseLayer(
      String name, int channels, int kernel, int stride, int inputSize) {
    return bitlab.dsl.hardware.Layers.depthwise(name, channels, kernel, stride, inputSize);
  }

  /** One fully connected layer described by hand. */
  public static bitlab.hardware.LayerWorkload linearLayer(String name, int in, int out) {
    return bitlab.dsl.hardware.Layers.linear(name, in, out);
  }

  /** Layers described by hand priced on {@code target}, all at {@code bits}: the same report a model gets. */
  public static CostReport cost(
      Target target, List<bitlab.hardware.LayerWorkload> layers, Bits bits) {
    if (layers == null || layers.isEmpty())
      throw new BitlabException(
          "Give at least one layer, e.g. cost(target, List.of(convLayer(\"pw\", 64, 64, 1, 1, 14)), bits(8, 8)).");
    return CostReport.price(
        target,
        layers.size() == 1 ? layers.get(0).name() : "layers",
        layers,
        Policies.uniform(layers, bits));
  }

  /** Each hand-described layer's time per image on {@code target} under each uniform pair: a column per pair. */
  public static Table latencies(
      Target target, List<bitlab.hardware.LayerWorkload> layers, Bits... pairs) {
    return bitlab.dsl.hardware.PerLayer.latencies(
        target, "layers", handLayers(layers), List.of(pairs));
  }

  /** Each layer of {@code net} timed per image on {@code target} under each uniform pair: a column per pair. */
  public static Table latencies(Target target, Model net, Bits... pairs) {
    return bitlab.dsl.hardware.PerLayer.latencies(
        target, net.name(), net.workloads(), List.of(pairs));
  }

  /** The time per image each hand-described layer saves with one weight bit, or one activation bit, less than {@code base}. */
  public static Table oneBitSavings(
      Target target, List<bitlab.hardware.LayerWorkload> layers, Bits base) {
    return bitlab.dsl.hardware.PerLayer.oneBitSavings(target, "layers", handLayers(layers), base);
  }

  /** The time per image each layer of {@code net} saves with one weight bit, or one activation bit, less than {@code base}. */
  public static Table oneBitSavings(Target target, Model net, Bits base) {
    return bitlab.dsl.hardware.PerLayer.oneBitSavings(target, net.name(), net.workloads(), base);
  }

  private static List<bitlab.hardware.LayerWorkload> handLayers(
      List<bitlab.hardware.LayerWorkload> layers) {
    if (layers == null || layers.isEmpty())
      throw new BitlabException(
          "Give at least one layer, e.g. List.of(convLayer(\"pw\", 64, 64, 1, 1, 14)).");
    return layers;
  }

  // ---- one tensor by hand, smaller data, batch effects (tutorials 1-6) ----

  /** An asymmetric quantizer: unsigned codes {@code 0 .. 2^bits − 1} over {@code [lo, hi]} with a zero point, e.g. {@code quantizer(4, -1.0, 2.0)}. */
  public static bitlab.dsl.tensor.TensorQuantizer quantizer(int bits, double lo, double hi) {
    return bitlab.dsl.tensor.TensorQuantizer.asymmetric(bits, lo, hi);
  }

  /** A symmetric quantizer: signed codes {@code ±(2^(bits−1) − 1)} over {@code [−maxAbs, maxAbs]}, zero point 0. */
  public static bitlab.dsl.tensor.TensorQuantizer symmetricQuantizer(int bits, double maxAbs) {
    return bitlab.dsl.tensor.TensorQuantizer.symmetric(bits, maxAbs);
  }

  /** A tensor of these values, to quantize by hand: {@code tensor("x", 0.1, -0.4, 2.5)}. */
  public static bitlab.dsl.tensor.Tensor tensor(String name, double... values) {
    return bitlab.dsl.tensor.Tensor.of(name, values);
  }

  /** The weights of a layer of {@code net}, BatchNorm folded (what quantization sees), as a tensor to inspect and quantize by hand. */
  public static bitlab.dsl.tensor.Tensor weights(Model net, String layer) {
    return bitlab.dsl.tensor.Tensor.weights(net, layer);
  }

  /** The dot product of the signs of {@code x} and {@code w} (at most 64 values) by XNOR and popcount, step by step. */
  public static bitlab.dsl.tensor.XnorDot xnor(double[] x, double[] w) {
    return bitlab.dsl.tensor.XnorDot.of(x, w);
  }

  /**
   * A smaller copy of {@code data}: {@code trainImages} and {@code testImages} drawn stratified by class (seed 1), for
   * quick runs; the validation part keeps the share of its images that the training part keeps.
   */
  public static Dataset subset(Dataset data, int trainImages, int testImages) {
    return Subsets.of(data, trainImages, testImages);
  }

  /** A smaller copy of {@code data} with this many images of each part, drawn stratified by class (seed 1). */
  public static Dataset subset(
      Dataset data, int trainImages, int validationImages, int testImages) {
    return Subsets.of(data, trainImages, validationImages, testImages);
  }

  /** Test accuracy of a quantized model run in batches of {@code batchSize} (dynamic quantization depends on it; static does not). */
  public static Evaluation evaluate(bitlab.quant.QuantizedModel q, Dataset data, int batchSize) {
    return bitlab.dsl.quant.BatchedEvaluation.evaluate(q, data, batchSize);
  }

  /**
   * Per activation tensor, the range a static model calibrated beside the ranges a dynamic model of the same model
   * and policy takes from each test batch of {@code batchSize} images: where the two quantizers' steps differ.
   */
  public static Table dynamicRanges(
      bitlab.quant.QuantizedModel statics,
      bitlab.quant.QuantizedModel dynamic,
      Dataset data,
      int batchSize) {
    return bitlab.dsl.quant.DynamicRanges.of(statics, dynamic, data, batchSize);
  }

  /** Per activation tensor, the values dynamic quantization must scan for their range at run time, beside the MACs that read them. */
  public static Table dynamicCost(bitlab.quant.QuantizedModel q) {
    return bitlab.dsl.quant.QuantTables.dynamicCost(q);
  }

  // ---- ONNX export of quantized models ----

  /**
   * Exports a statically quantized model as an ONNX QDQ graph that ONNX Runtime runs (and fuses into integer
   * operators at 8 bits): integer weights, int32 biases, QuantizeLinear/DequantizeLinear at every activation
   * point (signed 8-bit codes held to bitlab's -127..127, so the file computes bitlab's codes), the policy and
   * bitlab's provenance in its metadata. The file appears whole or not at all.
   */
  public static Path exportOnnx(bitlab.quant.QuantizedModel quantized, String path) {
    Path p = Path.of(path);
    bitlab.onnx.QdqExport.write(quantized, p);
    return p;
  }

  // ---- HAQ: comparing searches ----

  /**
   * Two HAQ searches of one model side by side, typically on two targets: the bits each chose per layer, what
   * bounds each layer on its own target (compute or memory) and its share of that target's latency, mean bits
   * per kind of layer, and a chart of both policies.
   */
  public static bitlab.dsl.haq.HaqSideBySide compare(
      bitlab.search.haq.HaqResult a, bitlab.search.haq.HaqResult b) {
    return bitlab.dsl.haq.HaqSideBySide.of(a, b);
  }

  // ---- HAWQ-V3: a bit-allocation problem from its file ----

  /**
   * Solves a bit-allocation problem in the bitlab-ilp/1 format exactly, as {@code ./bitlab ilp --input} does:
   * {@code ilp(plan.ilpJson())}, {@code ilp("plan.json")}, or JSON text written by hand.
   */
  public static bitlab.dsl.hawq.IlpResult ilp(String jsonOrPath) {
    return bitlab.dsl.hawq.IlpResult.of(jsonOrPath);
  }

  /**
   * As {@link #ilp(String)}, searching at most {@code seconds} (default 20): a problem not proven
   * optimal by then gives the best plan found and says how far above the optimum it may be.
   */
  public static bitlab.dsl.hawq.IlpResult ilp(String jsonOrPath, double seconds) {
    return bitlab.dsl.hawq.IlpResult.of(
        jsonOrPath, bitlab.search.hawq.IlpSolver.timeLimit(seconds));
  }

  // ---- sweeps: grids of searches, on threads or on Apache Spark ----

  /**
   * A grid of jobs (model x target x budget x method x seed), each one search or one policy evaluation giving one row:
   * {@code sweep().models("lenet5").targets("bismo-edge").latency(0.5, 0.7).methods("haq", "uniform").seeds(1, 2).to("sweep.csv").run()}.
   */
  public static bitlab.dsl.sweep.Sweep sweep() {
    return bitlab.dsl.sweep.Sweep.create();
  }

  /** Sweep jobs on {@code n} threads of this JVM (the default: one per core). */
  public static bitlab.dsl.sweep.Runner threads(int n) {
    return bitlab.dsl.sweep.Runner.threads(n);
  }

  /**
   * Sweep jobs on Apache Spark: {@code spark("local[2]")} inside this JVM, {@code spark("spark://host:7077")} on a standalone
   * cluster; Spark settings with {@code .conf("spark.executor.memory", "4g")}. Spark is loaded the first time a sweep runs on it.
   */
  public static bitlab.dsl.sweep.Runner spark(String master) {
    return bitlab.dsl.sweep.Runner.spark(master);
  }
}
