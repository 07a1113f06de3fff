package bitlab.dsl.cli;

import bitlab.BitlabException;
import bitlab.data.Dataset;
import bitlab.model.Model;
import bitlab.model.ParamsFile;
import bitlab.model.Zoo;
import bitlab.train.EpochRecord;
import bitlab.train.TrainConfig;
import bitlab.train.TrainResult;
import bitlab.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    description = "Train a zoo architecture from its seeded initialisation and save its weights.")
final class TrainCommand implements Callable<Integer> {
  @Mixin
  ModelArgs args;

  @Option(names = "--epochs", defaultValue = "8")
  int epochs;

  @Option(
      names = "--optimizer",
      defaultValue = "adam",
      description = "adam or sgd (Nesterov momentum).")
  String optimizer;

  @Option(names = "--lr", description = "Learning rate (default: 1e-3 for adam, 0.05 for sgd).")
  Double lr;

  @Option(names = "--batch", defaultValue = "64")
  int batch;

  @Option(
      names = "--weight-decay",
      description = "L2 weight decay (default: 5e-5 for adam, 5e-4 for sgd).")
  Double weightDecay;

  @Option(
      names = "--shift",
      defaultValue = "0",
      description = "Augment with random translations of up to this many pixels.")
  int shift;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(names = "--out", description = "Where to write the weights (.params.gz).")
  Path out;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  /** {@code accuracy}: the last epoch's, on the part {@code scoredOn} names; {@code testAccuracy}: the final model on the test part. */
  record Result(
      String model,
      String data,
      List<EpochRecord> history,
      String scoredOn,
      double accuracy,
      double testAccuracy,
      double secondsPerEpoch,
      String weights) {}

  @Override
  public Integer call() throws Exception {
    Zoo.Entry entry = Zoo.entry(args.model);
    Model init = args.preprocess(Zoo.architecture(entry.name(), entry.inputSize(), 1.0, seed));
    Dataset data = args.data();
    TrainConfig cfg = switch (optimizer) {
      case "adam" -> TrainConfig.adam(epochs, seed);
      case "sgd" -> TrainConfig.sgd(epochs, seed);
      default ->
        throw new BitlabException("Unknown optimizer '" + optimizer + "'; use adam or sgd.");
    };
    cfg = cfg.withBatchSize(batch).withShift(shift);
    if (lr != null) cfg = cfg.withLearningRate(lr);
    if (weightDecay != null) cfg = cfg.withWeightDecay(weightDecay);
    // An epoch of a MobileNet takes minutes: say when each one ends, on stderr so that --json
    // output stays clean.
    TrainResult r = Trainer.train(
        init,
        data,
        cfg,
        e -> System.err.printf(
            "\repoch %d/%d done: loss %.4f, %s accuracy %.2f%%, %.0f s%n",
            e.epoch(), epochs, e.trainLoss(), e.part(), 100 * e.accuracy(), e.seconds()));
    String command = String.format(
            "./bitlab train %s --data %s --epochs %d --optimizer %s --lr %s --batch %d --weight-decay %s --shift %d --seed %d",
            entry.name(),
            args.data,
            epochs,
            optimizer,
            cfg.learningRate(),
            batch,
            cfg.weightDecay(),
            shift,
            seed)
        + (args.mean == null ? "" : " --mean " + args.mean + " --std " + args.std)
        + (args.channelOrder == null ? "" : " --channel-order " + args.channelOrder);
    Model trained = r.model()
        .withMetadata(
            "weights",
            "trained by bitlab on the " + data.train().size() + " images of " + data.name()
                + "'s training part (its validation and test parts never seen)")
        .withMetadata("command", command)
        .withMetadata(r.scoredOn() + "_accuracy", String.format("%.4f", r.finalAccuracy()))
        .withMetadata("test_accuracy", String.format("%.4f", r.testAccuracy()));
    if (out != null) ParamsFile.write(out, trained);
    if (r.stopped() != null)
      System.err.println(r.stopped() + (out != null ? " They were written to " + out + "." : ""));
    if (json) {
      Json.print(new Result(
          entry.name(),
          data.name(),
          r.history(),
          r.scoredOn(),
          r.finalAccuracy(),
          r.testAccuracy(),
          r.secondsPerEpoch(),
          out == null ? null : out.toString()));
    } else {
      for (EpochRecord e : r.history()) {
        System.out.printf(
            "epoch %2d  loss %.4f  %s accuracy %.2f%%  %.1f s%n",
            e.epoch(), e.trainLoss(), e.part(), 100 * e.accuracy(), e.seconds());
      }
      if (r.stopped() == null)
        System.out.printf("test accuracy of the trained model: %.2f%%%n", 100 * r.testAccuracy());
      if (out != null) System.out.println("weights written to " + out);
    }
    return r.stopped() == null ? 0 : 1;
  }
}
