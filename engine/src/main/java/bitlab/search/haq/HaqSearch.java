package bitlab.search.haq;

import bitlab.hardware.Bits;
import bitlab.task.CancelledException;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The HAQ loop (the reference's {@code rl_quantize.train}): per episode, the agent picks weight then
 * activation bits layer by layer (uniform random actions during warm-up, the actor's action with
 * truncated-normal noise after), the environment repairs the policy to the budget, the policy is
 * scored, and every transition of the episode is stored with the episode's reward
 * {@code 0.1 * (acc_q - acc_fp)}, one DDPG update per transition once warm-up is over.
 *
 * <p>Under {@link Exploration#FROM_UNIFORM} the warm-up begins with the uniform policies on the budget's frontier
 * (scored like the others and shared with the uniform baseline through the cache), and the actor is taught the best
 * policy so far after the warm-up and whenever an episode beats it ({@link Ddpg#imitate}), so the noise explores
 * around it. The number of episodes, and so of policies scored, is the same as under {@link Exploration#PAPER}.
 *
 * <p>Warm-up episodes learn nothing, so their policies are drawn first (the agent's generator is
 * consumed in the same order as one episode after the other) and scored together on
 * {@link HaqConfig#threads()} threads; the baselines likewise. Only the learning episodes, whose
 * actions depend on the updates before them, run one at a time. Results are the same for any
 * number of threads.
 *
 * <p>An interrupt (see {@link Work}) ends the loop after the episodes already finished: the outcome
 * is marked stopped and keeps the best policy so far.
 */
public final class HaqSearch {
  /** What a run produced: the best policy, every episode, whether it was stopped early, the agent's time. */
  public record Outcome(
      Candidate best, List<Episode> episodes, boolean stopped, double agentSeconds) {}

  /** One episode's actions before scoring: the states seen, the actions taken, the repaired policy. */
  private record Drawn(double[][] states, double[] actions, Environment.Outcome outcome) {}

  private HaqSearch() {}

  static Outcome run(Environment env, ScoreCache cache, HaqConfig cfg, Consumer<Episode> listener) {
    Ddpg agent = new Ddpg(
        LayerStates.FEATURES, cfg.ddpg().bufferPerStep() * env.steps(), cfg.ddpg(), cfg.seed());
    boolean local = cfg.exploration().fromUniform();
    double reference = cache.oracle().reference();
    List<Episode> episodes = new ArrayList<>();
    Candidate best = null;
    long agentNanos = 0;
    boolean stopped = false;
    try {
      long start = System.nanoTime();
      List<Drawn> warm = new ArrayList<>();
      if (local) {
        for (Frontier f : frontier(env)) {
          if (warm.size() < cfg.episodes()) warm.add(replay(env, f.policy()));
        }
      }
      int random = Math.min(cfg.warmup(), cfg.episodes() - warm.size());
      for (int e = 0; e < random; e++) warm.add(draw(env, agent, true, Double.NaN));
      agentNanos += System.nanoTime() - start;
      List<ScoreCache.Scored> scored = cache.scoreAll(
          warm.stream().map(d -> d.outcome().policy().bits()).toList(),
          cfg.threads(),
          n -> Work.report(String.format(
              "HAQ warm-up: %d of %d %s scored",
              n, warm.size(), local ? "uniform and random policies" : "random policies")));
      double each = (System.nanoTime() - start) / 1e9 / Math.max(1, warm.size());
      for (int e = 0; e < scored.size(); e++) {
        if (e > 0 && Thread.currentThread().isInterrupted()) break;
        long t = System.nanoTime();
        best = finish(
            e,
            true,
            warm.get(e),
            scored.get(e),
            Double.NaN,
            each,
            reference,
            agent,
            best,
            episodes,
            listener);
        agentNanos += System.nanoTime() - t;
      }
      if (local && best != null) agentNanos += teach(env, agent, best);
      for (int e = warm.size(); e < cfg.episodes(); e++) {
        Work.checkpoint();
        long begin = System.nanoTime();
        double sigma = agent.sigma(e - warm.size());
        Drawn d = draw(env, agent, false, sigma);
        agentNanos += System.nanoTime() - begin;
        Score score = cache.score(d.outcome().policy().bits());
        ScoreCache.Scored s = new ScoreCache.Scored(score, cache.lastWasHit());
        long t = System.nanoTime();
        Candidate before = best;
        best =
            finish(e, false, d, s, sigma, Double.NaN, reference, agent, best, episodes, listener);
        if (local && best != before) teach(env, agent, best);
        agentNanos += System.nanoTime() - t;
        Episode last = episodes.get(episodes.size() - 1);
        episodes.set(episodes.size() - 1, withSeconds(last, (System.nanoTime() - begin) / 1e9));
      }
      Work.checkpoint();
    } catch (CancelledException stop) {
      if (best == null) throw stop;
      stopped = true;
    }
    return new Outcome(best, episodes, stopped, agentNanos / 1e9);
  }

  /**
   * Teaches the actor the best policy so far, so that exploration searches around it: each action to within a
   * quarter of one width's interval of the middle of its interval, in at most 500 steps. Returns the nanoseconds.
   */
  private static long teach(Environment env, Ddpg agent, Candidate best) {
    long t = System.nanoTime();
    Drawn d = replay(env, best.policy().bits());
    agent.imitate(d.states(), d.actions(), 0.25 / (env.maxBits() - env.minBits() + 1), 500);
    return System.nanoTime() - t;
  }

  /** The states and actions of an episode that chose exactly {@code policy} (which meets the budget), kept as it is. */
  private static Drawn replay(Environment env, List<Bits> policy) {
    int steps = env.steps();
    double[][] states = new double[steps][];
    double[] actions = new double[steps];
    int[] w = Policies.weights(policy);
    int[] a = Policies.activations(policy);
    int previous = env.maxBits();
    for (int s = 0; s < steps; s++) {
      states[s] = env.state(s, previous);
      int bits = s % 2 == 0 ? w[s / 2] : a[s / 2];
      actions[s] = env.action(bits);
      previous = bits;
    }
    return new Drawn(states, actions, env.exactly(w, a));
  }

  /** One episode's actions, layer by layer: weight bits, then activation bits. */
  private static Drawn draw(Environment env, Ddpg agent, boolean warm, double sigma) {
    int steps = env.steps();
    double[][] states = new double[steps][];
    double[] actions = new double[steps];
    int[] w = new int[env.layers()];
    int[] a = new int[env.layers()];
    int previous = env.maxBits();
    for (int s = 0; s < steps; s++) {
      states[s] = env.state(s, previous);
      actions[s] = warm ? agent.randomAction() : agent.explore(states[s], sigma);
      int bits = env.bits(actions[s]);
      if (s % 2 == 0) w[s / 2] = bits;
      else a[s / 2] = bits;
      previous = bits;
    }
    return new Drawn(states, actions, env.finish(w, a));
  }

  /** Stores the episode's transitions with its reward (learning after warm-up), records it, and returns the best so far. */
  private static Candidate finish(
      int e,
      boolean warm,
      Drawn d,
      ScoreCache.Scored s,
      double sigma,
      double seconds,
      double reference,
      Ddpg agent,
      Candidate best,
      List<Episode> episodes,
      Consumer<Episode> listener) {
    double acc = s.score().accuracy();
    double reward = 0.1 * (acc - reference);
    int steps = d.actions().length;
    for (int i = 0; i < steps; i++) {
      boolean done = i == steps - 1;
      agent.observe(
          d.states()[i], d.actions()[i], reward, done ? d.states()[i] : d.states()[i + 1], done);
      if (!warm) agent.update();
    }
    Environment.Outcome out = d.outcome();
    Candidate now =
        Candidate.better(best, new Candidate("HAQ", out.policy(), s.score(), out.cost()));
    Episode ep = new Episode(
        e + 1,
        warm,
        out.policy(),
        acc,
        reward,
        out.cost(),
        out.repairs(),
        sigma,
        s.hit(),
        now.accuracy(),
        seconds,
        s.hit() ? 0 : s.score().finetuneSeconds());
    episodes.add(ep);
    listener.accept(ep);
    return now;
  }

  private static Episode withSeconds(Episode e, double seconds) {
    return new Episode(
        e.index(),
        e.warmup(),
        e.policy(),
        e.accuracy(),
        e.reward(),
        e.cost(),
        e.repairs(),
        e.sigma(),
        e.cached(),
        e.bestAccuracy(),
        seconds,
        e.finetuneSeconds());
  }

  /**
   * Random search: uniform random actions for every step, repaired to the budget, as many episodes as HAQ;
   * the policies are drawn first and scored on {@code threads} threads. Its distinct policies, best first
   * ({@link Recheck#ranked}; the first is random search's pick).
   */
  static List<Candidate> random(
      Environment env,
      ScoreCache cache,
      int episodes,
      long seed,
      int threads,
      Consumer<String> progress) {
    java.util.Random rng = new java.util.Random(seed);
    List<Environment.Outcome> drawn = new ArrayList<>();
    for (int e = 0; e < episodes; e++) {
      int[] w = new int[env.layers()];
      int[] a = new int[env.layers()];
      for (int i = 0; i < env.layers(); i++) {
        w[i] = env.bits(rng.nextDouble());
        a[i] = env.bits(rng.nextDouble());
      }
      drawn.add(env.finish(w, a));
    }
    List<ScoreCache.Scored> scored = cache.scoreAll(
        drawn.stream().map(o -> o.policy().bits()).toList(),
        threads,
        n ->
            progress.accept(String.format("random search: %d of %d policies scored", n, episodes)));
    Work.checkpoint();
    List<Candidate> found = new ArrayList<>();
    for (int e = 0; e < scored.size(); e++) {
      Environment.Outcome out = drawn.get(e);
      found.add(new Candidate("random search", out.policy(), scored.get(e).score(), out.cost()));
    }
    return Recheck.ranked(found);
  }

  /** The first of a ranked list (a method's pick), null if it is empty. */
  static Candidate first(List<Candidate> ranked) {
    return ranked.isEmpty() ? null : ranked.get(0);
  }

  /** A uniform policy on the budget's frontier: its name ("uniform W5A6"), its bits and its cost. */
  record Frontier(String name, List<Bits> policy, double cost) {}

  /**
   * The uniform policies on the budget's frontier: every layer at the same (w, a), for each weight width the
   * widest activation width that fits (narrower pairs cost accuracy without being needed), widest weights first.
   */
  static List<Frontier> frontier(Environment env) {
    List<Frontier> out = new ArrayList<>();
    for (int wb = env.maxBits(); wb >= env.minBits(); wb--) {
      for (int ab = env.maxBits(); ab >= env.minBits(); ab--) {
        List<Bits> p = Policies.uniform(env.layers(), wb, ab);
        double cost = env.cost(Policies.weights(p), Policies.activations(p));
        if (cost <= env.limit()) {
          out.add(new Frontier("uniform W" + wb + "A" + ab, p, cost));
          break;
        }
      }
    }
    return out;
  }

  /**
   * The uniform policies within the budget, the most accurate first (the best uniform policy): the
   * {@link #frontier}, scored on {@code threads} threads, ranked ({@link Recheck#ranked}).
   */
  static List<Candidate> uniform(
      Environment env, ScoreCache cache, int threads, Consumer<String> progress) {
    List<Frontier> frontier = frontier(env);
    List<ScoreCache.Scored> scored = cache.scoreAll(
        frontier.stream().map(Frontier::policy).toList(),
        threads,
        k -> progress.accept(
            String.format("uniform baseline: %d of %d pairs scored", k, frontier.size())));
    Work.checkpoint();
    List<Candidate> found = new ArrayList<>();
    for (int i = 0; i < scored.size(); i++) {
      Frontier f = frontier.get(i);
      found.add(new Candidate(
          f.name(), env.pricing().policy(f.policy()), scored.get(i).score(), f.cost()));
    }
    return Recheck.ranked(found);
  }
}
