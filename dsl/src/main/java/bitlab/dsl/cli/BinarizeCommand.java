package bitlab.dsl.cli;

import bitlab.data.Dataset;
import bitlab.dsl.quant.BinaryReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "binarize",
    description =
        "Train a binarized LeNet-style network and run it by float simulation and by XNOR-popcount.")
final class BinarizeCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      defaultValue = "mnist",
      description = "mnist or digits (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--epochs", defaultValue = "5")
  int epochs;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  record Result(
      String model,
      String data,
      int epochs,
      double simulatedAccuracy,
      double xnorAccuracy,
      int agreeing,
      int total,
      long packedBytes,
      long floatBytes) {}

  @Override
  public Integer call() {
    ModelArgs a = new ModelArgs();
    a.data = data;
    Dataset d = a.data();
    BinaryReport r = BinaryReport.train(d, epochs, seed);
    if (json) {
      Json.print(new Result(
          r.model().name(),
          d.name(),
          epochs,
          r.simulated().accuracy(),
          r.xnor().accuracy(),
          r.agreeing(),
          r.total(),
          r.xnorBytes(),
          r.floatBytes()));
    } else {
      System.err.print("\r");
      System.out.println(r);
    }
    return r.identical() ? 0 : 1;
  }
}
