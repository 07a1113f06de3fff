package bitlab.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model zoo: architectures in code. The MNIST-scale "mini" models ship weights trained by
 * bitlab itself ({@code ./bitlab train}); the ImageNet-shaped ones have seeded random weights for
 * hardware studies (bring real weights through ONNX).
 */
public final class Zoo {
  /** A zoo entry: its name, what it is, its default input size and whether trained weights ship with it. */
  public record Entry(String name, String description, int inputSize, boolean trained) {}

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

  static {
    add(
        "lenet5",
        "LeNet-5: two 5x5 convolutions with max pooling and three fully connected layers (MNIST, 28x28)",
        28,
        true);
    add(
        "resnet-mini",
        "CIFAR-style ResNet-8: 3 stages of one basic block (16/32/64 channels) with BatchNorm (MNIST, 28x28)",
        28,
        true);
    add(
        "mobilenet-v1-mini",
        "MobileNet-V1 with 5 depthwise-separable blocks (16..128 channels) (MNIST, 28x28)",
        28,
        true);
    add(
        "mobilenet-v2-mini",
        "MobileNet-V2 with 6 inverted residual blocks, expansion 4, ReLU6 (MNIST, 28x28)",
        28,
        true);
    add("resnet18", "ResNet-18 (ImageNet, 1000 classes), random weights", 224, false);
    add(
        "resnet50",
        "ResNet-50 with bottleneck blocks (ImageNet, 1000 classes), random weights",
        224,
        false);
    add(
        "mobilenet-v1",
        "MobileNet-V1 1.0 (ImageNet, 1000 classes), random weights; width multiplier optional",
        224,
        false);
    add(
        "mobilenet-v2",
        "MobileNet-V2 1.0 (ImageNet, 1000 classes), random weights; width multiplier optional",
        224,
        false);
  }

  private Zoo() {}

  private static void add(String name, String description, int size, boolean trained) {
    ENTRIES.put(name, new Entry(name, description, size, trained));
  }

  public static List<Entry> entries() {
    return List.copyOf(ENTRIES.values());
  }

  /** The named model: trained weights where they ship, seeded random weights otherwise. */
  public static Model load(String name) {
    Entry e = entry(name);
    Model m = architecture(name, e.inputSize(), 1.0, 0);
    if (!e.trained())
      return m.withMetadata(
          "weights",
          "random (seed 0): for hardware studies; import trained weights with onnx(path)");
    String resource = "/bitlab/zoo/" + name + ".params.gz";
    try (InputStream in = Zoo.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ModelException("The trained weights of '" + name + "' are not in this build ("
            + resource + "); produce them with ./bitlab train " + name + ".");
      }
      ParamsFile.Contents c = ParamsFile.read(in, resource);
      Model trained = m.withParams(c.params());
      for (Map.Entry<String, String> kv : c.metadata().entrySet())
        trained = trained.withMetadata(kv.getKey(), kv.getValue());
      return trained;
    } catch (IOException ex) {
      throw new ModelException(
          "Could not read the weights of '" + name + "' from " + resource + ": " + ex.getMessage(),
          ex);
    }
  }

  public static Entry entry(String name) {
    Entry e = ENTRIES.get(name);
    if (e == null) {
      throw new ModelException("There is no zoo model '" + name + "'; the zoo has "
          + String.join(", ", ENTRIES.keySet()) + ".");
    }
    return e;
  }

  /**
   * The named architecture with seeded random weights.
   *
   * @param inputSize input height and width (28 for the minis, 224 for ImageNet shapes)
   * @param width     width multiplier for the MobileNets (1.0 elsewhere)
   */
  public static Model architecture(String name, int inputSize, double width, long seed) {
    entry(name);
    if (inputSize < 8)
      throw new ModelException("Input size " + inputSize + " is too small for '" + name
          + "'; use 28 for the minis, 224 for ImageNet shapes.");
    if (!(width > 0 && width <= 4))
      throw new ModelException("Width multiplier " + width + " is outside (0, 4].");
    ModelBuilder b = switch (name) {
      case "lenet5" -> lenet5(inputSize);
      case "resnet-mini" -> Architectures.resnetCifar(name, 8, inputSize, 10);
      case "mobilenet-v1-mini" -> Architectures.mobilenetV1Mini(name, inputSize, width);
      case "mobilenet-v2-mini" -> Architectures.mobilenetV2Mini(name, inputSize, width);
      case "resnet18" ->
        Architectures.resnetImageNet(name, new int[] {2, 2, 2, 2}, false, inputSize);
      case "resnet50" ->
        Architectures.resnetImageNet(name, new int[] {3, 4, 6, 3}, true, inputSize);
      case "mobilenet-v1" -> Architectures.mobilenetV1(name, inputSize, width);
      case "mobilenet-v2" -> Architectures.mobilenetV2(name, inputSize, width);
      default -> throw new IllegalStateException(name);
    };
    return b.meta("architecture", name)
        .meta("input", inputSize + "x" + inputSize)
        .build(seed);
  }

  private static ModelBuilder lenet5(int size) {
    return Model.builder("lenet5", Shape.image(1, size, size))
        .conv("conv1", 6, 5, 1, 2)
        .relu("relu1")
        .maxPool("pool1", 2, 2)
        .conv("conv2", 16, 5, 1, 0)
        .relu("relu2")
        .maxPool("pool2", 2, 2)
        .flatten("flatten")
        .linear("fc1", 120)
        .relu("relu3")
        .linear("fc2", 84)
        .relu("relu4")
        .linear("fc3", 10);
  }
}
