package bitlab.dsl.cli;

import bitlab.model.Model;
import bitlab.model.Zoo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "models",
    description =
        "List the zoo: architectures, input sizes, parameters, MACs and whether trained weights ship.")
final class ModelsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  record Row(
      String name, String description, int input, boolean trained, long parameters, long macs) {}

  @Override
  public Integer call() {
    List<Row> rows = new ArrayList<>();
    for (Zoo.Entry e : Zoo.entries()) {
      Model m = Zoo.architecture(e.name(), e.inputSize(), 1.0, 0);
      rows.add(new Row(
          e.name(), e.description(), e.inputSize(), e.trained(), m.parameterCount(), m.macs()));
    }
    if (json) {
      Json.print(rows);
    } else {
      System.out.printf(
          "%-18s %6s %12s %15s  %s%n", "name", "input", "parameters", "MACs/image", "weights");
      for (Row r : rows) {
        System.out.printf(
            "%-18s %6d %,12d %,15d  %s%n",
            r.name(), r.input(), r.parameters(), r.macs(), r.trained() ? "trained" : "random");
      }
    }
    return 0;
  }
}
