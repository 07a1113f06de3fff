package bitlab.dsl.haq;

import bitlab.data.Dataset;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.quant.PtqConfig;
import bitlab.search.haq.Budget;
import bitlab.search.haq.DdpgConfig;
import bitlab.search.haq.Haq;
import bitlab.search.haq.HaqConfig;
import bitlab.search.haq.HaqException;
import bitlab.search.haq.HaqResult;
import bitlab.search.haq.Scoring;

/**
 * {@code haq(net, data).on(edge).latency(0.6).episodes(100).seed(1).run()}: collects the settings
 * of a HAQ search and runs it. Defaults: 100 episodes, seed 1, warm-up a fifth of the episodes (at
 * most 20), bits 2..8, HAQ's DDPG settings, scoring on 1,000 held-out training images with 256
 * calibration images, baselines on.
 */
public final class HaqBuilder {
  private final Model net;
  private final Dataset data;
  private Target target;
  private Budget budget;
  private int episodes = 100;
  private Integer warmup;
  private long seed = 1;
  private int minBits = 2;
  private int maxBits = 8;
  private DdpgConfig ddpg = DdpgConfig.DEFAULT;
  private boolean baselines = true;
  private Scoring scoring = Scoring.DEFAULT;

  public HaqBuilder(Model net, Dataset data) {
    if (net == null || data == null) throw new HaqException("haq(net, data) needs a model and a data set, e.g. haq(zoo(\"mobilenet-v2-mini\"), mnist()).");
    this.net = net;
    this.data = data;
  }

  /** The hardware that prices policies, e.g. {@code hardware("bismo-edge")}. */
  public HaqBuilder on(Target t) { this.target = t; return this; }

  /** Latency at most this fraction of the all-8-bit latency on the target. */
  public HaqBuilder latency(double fraction) { return budget(Budget.latency(fraction)); }

  public HaqBuilder energy(double fraction) { return budget(Budget.energy(fraction)); }

  /** Weight size at most this fraction of the all-8-bit weights. */
  public HaqBuilder size(double fraction) { return budget(Budget.size(fraction)); }

  public HaqBuilder latencyMillis(double ms) { return budget(Budget.latencyMillis(ms)); }

  public HaqBuilder energyMillijoules(double mj) { return budget(Budget.energyMillijoules(mj)); }

  public HaqBuilder sizeKib(double kib) { return budget(Budget.sizeKib(kib)); }

  public HaqBuilder budget(Budget b) { this.budget = b; return this; }

  public HaqBuilder episodes(int n) { this.episodes = n; return this; }

  public HaqBuilder warmup(int n) { this.warmup = n; return this; }

  public HaqBuilder seed(long s) { this.seed = s; return this; }

  public HaqBuilder bits(int min, int max) { this.minBits = min; this.maxBits = max; return this; }

  /** Hidden layer size of actor and critic (default 300). */
  public HaqBuilder hidden(int h) { this.ddpg = ddpg.withHidden(h); return this; }

  public HaqBuilder ddpg(DdpgConfig c) { this.ddpg = c; return this; }

  /** Skip the uniform and random-search baselines (they cost about as much as the search). */
  public HaqBuilder baselines(boolean on) { this.baselines = on; return this; }

  /** Held-out training images every policy is scored on (default 1,000). */
  public HaqBuilder evaluationImages(int n) { this.scoring = scoring.withEvaluation(n); return this; }

  public HaqBuilder calibrationImages(int n) { this.scoring = scoring.withCalibration(n); return this; }

  public HaqBuilder ptq(PtqConfig c) { this.scoring = scoring.withPtq(c); return this; }

  public HaqConfig config() {
    HaqConfig c = HaqConfig.of(episodes, seed).withBits(minBits, maxBits).withDdpg(ddpg).withBaselines(baselines);
    return warmup == null ? c : c.withWarmup(warmup);
  }

  public HaqResult run() {
    if (budget == null) {
      throw new HaqException("Give the search a budget: .latency(0.6), .energy(0.5) or .size(0.4) (fractions of the all-8-bit cost), "
          + "or .latencyMillis(ms), .energyMillijoules(mJ), .sizeKib(KiB).");
    }
    if (target == null && budget.resource() != bitlab.search.haq.Resource.SIZE) {
      throw new HaqException("A " + budget.resource().label() + " budget needs hardware to price it: add .on(hardware(\"bismo-edge\")).");
    }
    return Haq.search(net, data, target, budget, config(), scoring);
  }
}
