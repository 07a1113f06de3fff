package bitlab.dsl.cli;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Zoo;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The model and data arguments shared by verbs: a zoo name or an .onnx file, and a data set name or folder. */
final class ModelArgs {
  @Parameters(index = "0", paramLabel = "MODEL", description = "A zoo name (see 'bitlab models') or a path to an .onnx file.")
  String model;

  @Option(names = "--data", defaultValue = "mnist", description = "mnist, digits, cifar10:DIR or images:DIR (default: ${DEFAULT-VALUE}).")
  String data;

  Model model() {
    if (model.endsWith(".onnx")) return bitlab.onnx.OnnxImport.read(Path.of(model));
    return Zoo.load(model);
  }

  Dataset data() {
    if (data.equals("mnist")) return Datasets.mnist();
    if (data.equals("digits")) return Datasets.digits();
    if (data.startsWith("cifar10:")) return Datasets.cifar10(Path.of(data.substring(8)));
    if (data.startsWith("images:")) return Datasets.images(Path.of(data.substring(7)));
    throw new IllegalArgumentException("Unknown data set '" + data + "'; use mnist, digits, cifar10:DIR or images:DIR.");
  }
}
