package bitlab.dsl;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Evaluation;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.train.TrainConfig;
import bitlab.train.TrainResult;
import bitlab.train.Trainer;
import java.nio.file.Path;
import tech.tablesaw.api.Table;

/**
 * The notebook vocabulary: every public entry point a cell can call without imports
 * (the kernel preloads {@code import static bitlab.dsl.Bitlab.*}).
 */
public final class Bitlab {
  private Bitlab() {}

  /** The bitlab version, as built. */
  public static String version() {
    String v = Bitlab.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  // ---- data ----

  /** MNIST-10k: 28x28 digits, 8,000 training and 2,000 test images, normalised (mean 0.1307, std 0.3081). */
  public static Dataset mnist() { return Datasets.mnist(); }

  /** scikit-learn's 8x8 digits: 1,797 images, the fastest data set for experiments. */
  public static Dataset digits() { return Datasets.digits(); }

  /** CIFAR-10 in its binary format (data_batch_1..5.bin, test_batch.bin) from a folder you provide. */
  public static Dataset cifar10(String dir) { return Datasets.cifar10(Path.of(dir)); }

  /** A folder of images with one sub-folder per class. */
  public static Dataset images(String dir) { return Datasets.images(Path.of(dir)); }

  // ---- models ----

  /** The zoo catalogue as a table. */
  public static Table zoo() { return Tables.zoo(); }

  /** A zoo model: trained weights for the MNIST-scale minis, seeded random weights for ImageNet shapes. */
  public static Model zoo(String name) { return Zoo.load(name); }

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

  /** The layer table of a model. */
  public static Table layers(Model model) { return Tables.layers(model); }

  /** Top-1 accuracy on the data set's test split. */
  public static Evaluation evaluate(Model model, Dataset data) { return Inference.evaluate(model, data.test()); }

  /** Trains a model on the data set's training split with Adam and a cosine schedule. */
  public static TrainResult train(Model model, Dataset data, int epochs) {
    return Trainer.train(model, data, TrainConfig.adam(epochs, 1));
  }

  /** Trains with a full configuration ({@code TrainConfig.sgd(epochs, seed)}, {@code TrainConfig.adam(...)}, with-ers). */
  public static TrainResult train(Model model, Dataset data, TrainConfig config) {
    return Trainer.train(model, data, config);
  }
}
