package bitlab.dsl.cli;

import bitlab.model.Evaluation;
import bitlab.model.Model;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", description = "Top-1 accuracy of a model on a data set's test split.")
final class EvalCommand implements Callable<Integer> {
  @Mixin
  ModelArgs args;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  record Result(String model, String data, int correct, int total, double accuracy, double loss) {}

  @Override
  public Integer call() {
    Model m = args.model();
    Evaluation e = m.evaluate(args.data());
    if (json) {
      Json.print(new Result(e.model(), e.data(), e.correct(), e.total(), e.accuracy(), e.loss()));
    } else {
      System.err.print("\r");
      System.out.println(e);
    }
    return 0;
  }
}
