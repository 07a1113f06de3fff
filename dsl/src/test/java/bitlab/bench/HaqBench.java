package bitlab.bench;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.data.Split;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.ParamsFile;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import bitlab.search.haq.Budget;
import bitlab.search.haq.Candidate;
import bitlab.search.haq.Haq;
import bitlab.search.haq.HaqConfig;
import bitlab.search.haq.HaqResult;
import bitlab.search.haq.Scoring;
import bitlab.train.TrainConfig;
import bitlab.train.Trainer;
import java.nio.file.Path;

/**
 * HAQ at 0.6 of the 8-bit latency on bismo-edge: the search, the baselines, time per episode and
 * where it goes (one PTQ scoring split into quantize + calibrate and evaluate).
 *
 * <p>{@code HaqBench MODEL EPISODES [WEIGHTS]}: WEIGHTS is a .params.gz file, or {@code train:N}
 * to train N epochs here first, or {@code random} for timing only (when the zoo's trained weights
 * are not in the build); without
 * it the zoo's shipped weights are used.
 */
public final class HaqBench {
  private HaqBench() {}

  public static void main(String[] args) throws java.io.IOException {
    String name = args.length > 0 ? args[0] : "mobilenet-v2-mini";
    int episodes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    String weights = args.length > 2 ? args[2] : null;
    Dataset data = Datasets.mnist();
    Model net;
    if (weights == null) {
      net = Zoo.load(name);
    } else if (weights.equals("random")) {
      net = Zoo.architecture(name, 28, 1.0, 0);
      System.out.println("weights: seeded random (timing only: accuracies are chance level)");
    } else if (weights.startsWith("train:")) {
      int epochs = Integer.parseInt(weights.substring(6));
      long t = System.nanoTime();
      net = Trainer.train(Zoo.architecture(name, 28, 1.0, 1), data, TrainConfig.adam(epochs, 1).withLearningRate(3e-3)).model();
      System.out.printf("weights: trained here for %d epoch(s) in %.0f s (not the zoo's)%n", epochs, (System.nanoTime() - t) / 1e9);
    } else {
      net = Zoo.architecture(name, 28, 1.0, 0).withParams(ParamsFile.read(Path.of(weights)).params());
      System.out.println("weights: " + weights);
    }
    System.out.printf("%s: %d quantizable layers, %d cores%n", name, net.layers().size(), Runtime.getRuntime().availableProcessors());

    // One scoring, split into its parts.
    Split split = data.train().stratifiedSplit(Scoring.DEFAULT.heldOut(), 1);
    Samples eval = split.heldOut().take(Scoring.DEFAULT.evaluation());
    Samples calib = split.rest().take(Scoring.DEFAULT.calibration());
    for (int round = 0; round < 2; round++) {
      long t0 = System.nanoTime();
      QuantizedModel q = Quantizer.ptq(net, Policy.uniform(net, 4, 6), calib, PtqConfig.DEFAULT);
      long t1 = System.nanoTime();
      double acc = q.evaluate(eval).accuracy();
      long t2 = System.nanoTime();
      System.out.printf("one scoring (W4A6): quantize + calibrate on %d images %.2f s, build graph + evaluate %d images %.2f s, accuracy %.2f%%%n",
          calib.size(), (t1 - t0) / 1e9, eval.size(), (t2 - t1) / 1e9, 100 * acc);
    }

    long start = System.nanoTime();
    HaqResult r = Haq.search(net, data, Catalogue.builtIn().target("bismo-edge"), Budget.latency(0.6), HaqConfig.of(episodes, 1),
        Scoring.DEFAULT);
    double wall = (System.nanoTime() - start) / 1e9;
    System.err.print("\r");
    System.out.print(r);
    double haqSeconds = r.episodes().stream().mapToDouble(e -> e.seconds()).sum();
    System.out.printf("HAQ search: %d episodes in %.1f s (%.2f s per episode); with baselines %.1f s%n", r.episodes().size(), haqSeconds,
        haqSeconds / r.episodes().size(), wall);
    Candidate u = r.baseline("uniform");
    Candidate rs = r.baseline("random");
    System.out.printf("HAQ %.2f%% vs best uniform %.2f%% (%s) vs random search %.2f%%: HAQ >= uniform %s, HAQ >= random %s%n",
        r.accuracy(), u.accuracy(), u.method(), rs.accuracy(), r.accuracy() >= u.accuracy(), r.accuracy() >= rs.accuracy());
  }
}
