package bitlab.dsl.sweep;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.dsl.sweep.job.SweepException;
import java.nio.file.Path;

/** Data sets by name, as sweeps and the command line name them: mnist, digits, cifar10:DIR, images:DIR. */
public final class DataNames {
  private DataNames() {}

  public static Dataset load(String name) {
    String n = name == null ? "" : name.trim();
    if (n.equals("mnist")) return Datasets.mnist();
    if (n.equals("digits")) return Datasets.digits();
    if (n.startsWith("cifar10:")) return Datasets.cifar10(Path.of(n.substring(8)));
    if (n.startsWith("images:")) return Datasets.images(Path.of(n.substring(7)));
    throw new SweepException(
        "Unknown data set '" + name + "'; use mnist, digits, cifar10:DIR or images:DIR.");
  }
}
