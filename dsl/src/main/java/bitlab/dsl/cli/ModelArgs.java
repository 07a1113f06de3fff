package bitlab.dsl.cli;

import bitlab.BitlabException;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Preprocessing;
import bitlab.model.Model;
import bitlab.model.Zoo;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The model and data arguments shared by verbs: a zoo name or an .onnx file, the preprocessing it expects when its file
 * does not say ({@code --mean}, {@code --std}, {@code --channel-order}), and a data set name, file or folder.
 */
final class ModelArgs {
  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "A zoo name (see 'bitlab models') or a path to an .onnx file.")
  String model;

  @Option(
      names = "--data",
      defaultValue = "mnist",
      description = "mnist, digits, cifar10:DIR, images:DIR, or a data file or "
          + "folder (.npz, .csv, a folder of IDX files or of images; default: ${DEFAULT-VALUE}).")
  String data;

  @Option(
      names = "--mean",
      paramLabel = "M[,M,M]",
      description = "The per-channel mean the model subtracts, for pixels in [0, 1] "
          + "(e.g. 0.485,0.456,0.406); declares the model's preprocessing with --std.")
  String mean;

  @Option(
      names = "--std",
      paramLabel = "S[,S,S]",
      description = "The per-channel standard deviation the model divides by, for pixels "
          + "in [0, 1] (e.g. 0.229,0.224,0.225).")
  String std;

  @Option(
      names = "--channel-order",
      paramLabel = "RGB|BGR",
      description = "The order of the model's colour channels (default RGB).")
  String channelOrder;

  /** The model, with the preprocessing declared on the command line. */
  Model model() {
    Model m = preprocess(
        model.endsWith(".onnx") ? bitlab.onnx.OnnxImport.read(Path.of(model)) : Zoo.load(model));
    if (m.preprocessing().isEmpty() && m.inputShape().isImage()) {
      // Not an error (many exported files say nothing), but the wrong constants cost accuracy
      // without a sign: say it once.
      System.err.println("note: model '" + m.name()
          + "' does not declare its preprocessing (its file has no " + Preprocessing.KEY
          + " entry), so it gets each data set's values as they are normalised; if it was trained with other constants, give them "
          + "with --mean and --std.");
    }
    return m;
  }

  /** {@code m} with {@code --mean}, {@code --std} and {@code --channel-order} declared, if given. */
  Model preprocess(Model m) {
    if ((mean == null) != (std == null)) {
      throw new BitlabException(
          "Give --mean and --std together (one value per input channel, for pixels in [0, 1]), "
              + "e.g. --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225.");
    }
    if (mean != null) m = m.normalize(numbers(mean, "--mean"), numbers(std, "--std"));
    if (channelOrder != null) m = m.channelOrder(channelOrder);
    return m;
  }

  private static double[] numbers(String csv, String option) {
    String[] parts = csv.split(",");
    double[] v = new double[parts.length];
    for (int i = 0; i < v.length; i++) {
      try {
        v[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new BitlabException(
            option + " takes numbers separated by commas, e.g. 0.485,0.456,0.406; '"
                + parts[i].trim() + "' is not a number.");
      }
    }
    return v;
  }

  Dataset data() {
    if (data.equals("mnist")) return Datasets.mnist();
    if (data.equals("digits")) return Datasets.digits();
    if (data.startsWith("cifar10:")) return Datasets.cifar10(Path.of(data.substring(8)));
    if (data.startsWith("images:")) return Datasets.images(Path.of(data.substring(7)));
    if (data.contains("/") || data.contains(".") || java.nio.file.Files.exists(Path.of(data)))
      return Datasets.read(Path.of(data));
    throw new BitlabException("Unknown data set '" + data
        + "'; use mnist, digits, cifar10:DIR, images:DIR, or the path of "
        + "a data file or folder (.npz, .csv, a folder of IDX files or of images).");
  }
}
