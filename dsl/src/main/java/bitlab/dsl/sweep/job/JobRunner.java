package bitlab.dsl.sweep.job;

import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.search.haq.Candidate;
import bitlab.search.haq.Haq;
import bitlab.search.haq.HaqConfig;
import bitlab.search.haq.HaqResult;
import bitlab.search.haq.Pricing;
import bitlab.search.haq.Resource;
import bitlab.search.hawq.Hawq;
import bitlab.search.hawq.HessianTraces;
import bitlab.search.hawq.Plan;
import bitlab.search.hawq.TraceOptions;
import bitlab.search.hawq.Traces;
import bitlab.task.CancelledException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one job where it lands: looks up its model, data and target by name, runs its method, scores
 * the policy on the validation images and the test split, prices it on every target of the sweep.
 * The same job gives the same row in any JVM that has the same inputs.
 */
public final class JobRunner {
  private JobRunner() {}

  /**
   * The job's row, or its failure as a sentence that names the job and the fix; other jobs are not
   * affected. {@code memoryFix} says how to give this runner's JVMs more memory.
   *
   * @param targets  every target of the sweep (each row is priced on all of them)
   * @param threads  policies scored at once inside the job (results do not depend on it)
   * @param worker   where the job runs, for the row
   */
  public static JobResult attempt(
      SweepJob job, Inputs in, List<String> targets, int threads, String worker, String memoryFix) {
    try {
      return JobResult.ok(job, run(job, in, targets, threads, worker));
    } catch (CancelledException stop) {
      throw stop;
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      return JobResult.failed(job, Failures.sentence(job, e, memoryFix));
    }
  }

  public static SweepRow run(
      SweepJob job, Inputs in, List<String> targets, int threads, String worker) {
    long start = System.nanoTime();
    Model model = in.model(job.model());
    Target target = job.target().isEmpty() ? null : in.target(job.target(), model);
    if (target == null && job.budget() != null && job.budget().needsTarget()) {
      throw new SweepException("A " + job.budget().resource().label()
          + " budget needs a target to price it; add targets to the sweep.");
    }
    Scorer scorer = in.scorer(job);
    SweepSettings s = job.settings();
    TimedOracle oracle = new TimedOracle(scorer.oracle());
    double agent = 0;
    HaqConfig cfg =
        HaqConfig.of(s.episodes(), job.seed()).withBaselines(false).withThreads(threads);
    if (s.warmup() >= 0) cfg = cfg.withWarmup(s.warmup());
    List<Bits> policy;
    double validation = Double.NaN;
    String how;
    switch (job.method().kind()) {
      case HAQ: {
        HaqResult r = Haq.search(model, target, job.budget().budget(), cfg, oracle);
        policy = r.best().policy().bits();
        validation = r.best().accuracy();
        agent = r.timing().agent();
        how = String.format(
            "HAQ, %d episodes (warm-up %d), seed %d%s",
            r.episodes().size(), cfg.warmup(), job.seed(), r.stopped() ? ", stopped early" : "");
        break;
      }
      case RANDOM: {
        Candidate c = Haq.random(model, target, job.budget().budget(), cfg, oracle);
        policy = c.policy().bits();
        validation = c.accuracy();
        how = "random search, " + s.episodes() + " policies drawn with seed " + (job.seed() + 1)
            + " (as HAQ's baseline of seed " + job.seed() + ")";
        break;
      }
      case UNIFORM: {
        Candidate c = Haq.uniform(model, target, job.budget().budget(), cfg, oracle);
        policy = c.policy().bits();
        validation = c.accuracy();
        how = "best uniform policy within the budget (" + c.method() + ")";
        break;
      }
      case HAWQ: {
        TraceOptions o = TraceOptions.DEFAULT
            .withImages(s.hawqImages())
            .withIterations(Math.min(8, s.hawqProbes()), s.hawqProbes())
            .withSeed(job.seed());
        Traces traces = HessianTraces.estimate(model, scorer.calibration(), o);
        int[] bits = s.hawqBits().stream().mapToInt(Integer::intValue).toArray();
        Plan plan = Hawq.of(model, traces)
            .bits(bits)
            .budget(job.budget().budget().on(target))
            .solve();
        policy = plan.policy().bits();
        how = "HAWQ-V3, candidates " + s.hawqBits() + ", Hessian traces on "
            + Math.min(s.hawqImages(), scorer.calibration().size())
            + " calibration images with at most " + s.hawqProbes() + " probes, seed " + job.seed();
        break;
      }
      case POLICY:
        policy = Collections.nCopies(model.layers().size(), job.method().bits());
        how = "uniform policy " + job.method().label() + " evaluated";
        break;
      default:
        throw new IllegalStateException(job.method().kind().name());
    }
    if (Double.isNaN(validation)) validation = oracle.score(policy).accuracy();
    double test = scorer.test(policy);
    Map<String, Double> costs = costs(model, policy, targets, in, oracle.ptq());
    double seconds = (System.nanoTime() - start) / 1e9;
    String provenance = String.join(
        "; ",
        "bitlab " + bitlab.Version.current() + " on JDK " + Runtime.version().feature() + "."
            + Runtime.version().interim() + "." + Runtime.version().update(),
        how,
        scorer.describe());
    return new SweepRow(
        job.index(),
        job.key(),
        job.model(),
        job.data(),
        job.target(),
        job.budget() == null ? "-" : job.budget().label(),
        job.method().label(),
        job.method().usesSeed() ? Long.toString(job.seed()) : "-",
        describe(model, policy),
        validation,
        test,
        scorer.reference(),
        costVs8Bit(job, model, target, policy, oracle.ptq()),
        costs,
        seconds,
        oracle.policies(),
        oracle.seconds(),
        agent,
        worker,
        provenance);
  }

  /**
   * The policy's cost on every target of the sweep, its size and its bit operations; latency and energy priced with
   * each tensor at the width the quantized model stores it at ({@code ptq}'s placement), as the search priced it.
   */
  static Map<String, Double> costs(
      Model model, List<Bits> policy, List<String> targets, Inputs in, PtqConfig ptq) {
    Map<String, Double> c = new LinkedHashMap<>();
    for (String name : targets) {
      double ms = Double.NaN;
      double mj = Double.NaN;
      try {
        Pricing p = Pricing.of(model, in.target(name, model), ptq);
        ms = Resource.LATENCY.display(p.cost(Resource.LATENCY, policy));
        mj = Resource.ENERGY.display(p.cost(Resource.ENERGY, policy));
      } catch (bitlab.hardware.HardwareException cannot) {
        // a target that cannot price this model (a lookup table measured on another one): its
        // columns stay empty
      }
      c.put("latency_ms@" + name, ms);
      c.put("energy_mj@" + name, mj);
    }
    Policy p = Policy.of(model, policy);
    c.put("size_kib", p.sizeBytes(model) / 1024.0);
    c.put("gbops", p.bops(model) / 1e9);
    return c;
  }

  /** The cost the job's budget bounds (latency when it has none but a target, else size) over its 8-bit cost. */
  private static double costVs8Bit(
      SweepJob job, Model model, Target target, List<Bits> policy, PtqConfig ptq) {
    Resource r = job.budget() != null
        ? job.budget().resource()
        : target != null ? Resource.LATENCY : Resource.SIZE;
    Pricing p =
        r == Resource.SIZE ? Pricing.of(model.workloads(), null) : Pricing.of(model, target, ptq);
    return p.cost(r, policy) / p.uniform(r, 8, 8);
  }

  /** {@code conv1:8/8 conv2:4/6 ...} in layer order. */
  static String describe(Model model, List<Bits> policy) {
    List<String> names = model.layerNames();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) b.append(' ');
      b.append(names.get(i))
          .append(':')
          .append(policy.get(i).weights())
          .append('/')
          .append(policy.get(i).activations());
    }
    return b.toString();
  }
}
