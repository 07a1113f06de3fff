package bitlab.bench;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.hardware.Bits;
import bitlab.integer.Deployment;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Quantizer;
import bitlab.search.Budget;
import bitlab.search.hawq.Hawq;
import bitlab.search.hawq.HessianTraces;
import bitlab.search.hawq.Plan;
import bitlab.search.hawq.TraceOptions;
import bitlab.search.hawq.Traces;
import bitlab.train.TrainConfig;
import bitlab.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The accuracy target on an MNIST mini: at equal size budgets, the PTQ accuracy of the
 * HAWQ-V3 plan against the best uniform policy that fits and a random search. Candidates W2A8, W4A8,
 * W8A8 by default (weights vary, activations at 8 bits). The random search draws policies that meet the budget,
 * scores each by PTQ accuracy on 1,000 validation images and reports the test accuracy of
 * its best; it gets {@code RANDOM} evaluations, as many as the uniform baseline and HAWQ-V3 together
 * spend on accuracy plus the Hessian's cost counted generously. Uses the zoo's trained weights when
 * the build ships them, else trains the architecture here (printed).
 *
 * <p>{@code java ... bitlab.bench.HawqTargets [model] [epochs] [images] [probes] [widths]} (default lenet5, 2 epochs if
 * training, 256 images, at most 100 probes per layer, weight widths 2,4,8 with budgets at the size of uniform W4A8
 * and halfway between W2A8 and W4A8; given widths, e.g. {@code 4,8}, the budgets are halfway between adjacent
 * uniform sizes and every uniform size between the extremes). A sixth argument {@code measured} plans with the
 * measured damage ({@link Hawq#measuredDamage}, on the trace images) instead of the Hessian's Ω.
 */
public final class HawqTargets {
  static final int RANDOM = 10;

  private HawqTargets() {}

  public static void main(String[] args) {
    String name = args.length > 0 ? args[0] : "lenet5";
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Dataset data = Datasets.mnist();
    Model net;
    try {
      net = Zoo.load(name);
      System.out.println(
          name + ": shipped weights (" + net.metadata().getOrDefault("test_accuracy", "?") + ")");
    } catch (RuntimeException noWeights) {
      net = Trainer.train(Zoo.architecture(name, 28, 1.0, 0), data, TrainConfig.adam(epochs, 1))
          .model();
      System.out.println(
          name + ": no shipped weights; trained here for " + epochs + " epochs (Adam, seed 1)");
    }
    System.out.printf(
        Locale.ROOT, "FP32 test accuracy %.2f%%%n", 100 * net.evaluate(data).accuracy());
    Samples calibration = data.calibration(256);
    Samples validation = data.validation(1000);
    int images = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int probes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    Traces traces = HessianTraces.estimate(
        net,
        data.train(),
        TraceOptions.DEFAULT.withImages(images).withIterations(Math.min(8, probes), probes));
    System.out.print(traces);
    List<Bits> cand = new ArrayList<>();
    String widths = args.length > 4 ? args[4] : "2,4,8";
    for (String w : widths.split(",")) cand.add(Bits.of(Integer.parseInt(w.trim()), 8));
    if (cand.size() < 2)
      throw new IllegalArgumentException(
          "Give at least two weight widths, e.g. 4,8; got '" + widths + "'.");
    Hawq base = Hawq.of(net, traces).candidates(cand);
    if (args.length > 5 && args[5].equals("measured")) {
      base = base.measuredDamage(data.train().take(images));
      System.out.println(
          "Omega: measured damage, 2 x the loss increase of each layer rounded alone, on " + images
              + " training images");
    } else if (args.length > 5) {
      throw new IllegalArgumentException(
          "The sixth argument is 'measured' or nothing; got '" + args[5] + "'.");
    }
    List<Double> budgets = new ArrayList<>();
    if (args.length <= 4) {
      // The default {2,4,8}: the size of uniform W4A8, and halfway between W2A8 and W4A8.
      double size2 = Policy.uniform(net, 2, 8).sizeBytes(net);
      double size4 = Policy.uniform(net, 4, 8).sizeBytes(net);
      budgets.add(size4);
      budgets.add((size2 + size4) / 2);
    } else {
      // Given widths: every uniform size between the extremes, and halfway between adjacent uniform
      // sizes.
      for (int i = 0; i + 1 < cand.size(); i++) {
        double lo = Policy.uniform(net, cand.get(i).weights(), 8).sizeBytes(net);
        double hi = Policy.uniform(net, cand.get(i + 1).weights(), 8).sizeBytes(net);
        if (i > 0) budgets.add(lo);
        budgets.add((lo + hi) / 2);
      }
    }
    for (double budget : budgets) {
      Plan p = base.budget(Budget.sizeBytes(budget)).solve();
      double hawq = ptq(net, p.policy(), calibration, data.test());
      System.out.printf(
          Locale.ROOT,
          "%nsize budget %.0f bytes: %s %s, %d bytes, PTQ test accuracy %.2f%%%n",
          budget,
          p.measured() ? "measured-damage plan" : "HAWQ-V3",
          p.policy().summary(),
          p.policy().sizeBytes(net),
          100 * hawq);
      System.out.println("  plan " + p.policy().bits());
      double bestUniform = Double.NaN;
      String bestUniformName = "none fits";
      for (Bits b : cand) {
        Policy u = Policy.uniform(net, b.weights(), b.activations());
        if (u.sizeBytes(net) > budget) continue;
        double a = ptq(net, u, calibration, data.test());
        System.out.printf(
            Locale.ROOT,
            "  uniform %s: %d bytes, PTQ test accuracy %.2f%%%n",
            b,
            u.sizeBytes(net),
            100 * a);
        if (Double.isNaN(bestUniform) || a > bestUniform) {
          bestUniform = a;
          bestUniformName = b.toString();
        }
      }
      Random r = new Random(7);
      double bestVal = -1;
      Policy bestRandom = null;
      int drawn = 0;
      while (drawn < RANDOM) {
        List<Bits> bits = new ArrayList<>();
        for (int i = 0; i < net.layers().size(); i++) bits.add(cand.get(r.nextInt(cand.size())));
        Policy pol = Policy.of(net, bits);
        if (pol.sizeBytes(net) > budget) continue;
        drawn++;
        double v = ptq(net, pol, calibration, validation);
        if (v > bestVal) {
          bestVal = v;
          bestRandom = pol;
        }
      }
      double random = ptq(net, bestRandom, calibration, data.test());
      System.out.printf(
          Locale.ROOT,
          "  random search (%d feasible policies, best by validation accuracy %.2f%%): %s, PTQ test accuracy %.2f%%%n",
          RANDOM,
          100 * bestVal,
          bestRandom.bits(),
          100 * random);
      System.out.printf(
          Locale.ROOT,
          "  plan >= best uniform (%s): %s; plan >= random search: %s%n",
          bestUniformName,
          Double.isNaN(bestUniform) || hawq >= bestUniform,
          hawq >= random);
    }
  }

  private static double ptq(Model net, Policy p, Samples calibration, Samples eval) {
    return Deployment.evaluate(Quantizer.ptq(net, p, calibration, PtqConfig.DEFAULT), eval)
        .accuracy();
  }
}
