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
 * <p>An interrupt (see {@link Work}) ends the loop after the episodes already finished: the outcome
 * is marked stopped and keeps the best policy so far.
 */
public final class HaqSearch {
  /** What a run produced: the best policy, every episode, whether it was stopped early, the agent's time. */
  public record Outcome(Candidate best, List<Episode> episodes, boolean stopped, double agentSeconds) {}

  private HaqSearch() {}

  static Outcome run(Environment env, ScoreCache cache, HaqConfig cfg, Consumer<Episode> listener) {
    int steps = env.steps();
    Ddpg agent = new Ddpg(LayerStates.FEATURES, cfg.ddpg().bufferPerStep() * steps, cfg.ddpg(), cfg.seed());
    double reference = cache.oracle().reference();
    List<Episode> episodes = new ArrayList<>();
    Candidate best = null;
    long agentNanos = 0;
    boolean stopped = false;
    try {
      for (int e = 0; e < cfg.episodes(); e++) {
        Work.checkpoint();
        long start = System.nanoTime();
        boolean warm = e < cfg.warmup();
        double sigma = warm ? Double.NaN : agent.sigma(e - cfg.warmup());
        double[][] states = new double[steps][];
        double[] actions = new double[steps];
        int[] w = new int[env.layers()];
        int[] a = new int[env.layers()];
        int previous = env.maxBits();
        long t = System.nanoTime();
        for (int s = 0; s < steps; s++) {
          states[s] = env.state(s, previous);
          actions[s] = warm ? agent.randomAction() : agent.explore(states[s], sigma);
          int bits = env.bits(actions[s]);
          if (s % 2 == 0) w[s / 2] = bits; else a[s / 2] = bits;
          previous = bits;
        }
        agentNanos += System.nanoTime() - t;
        Environment.Outcome out = env.finish(w, a);
        Score score = cache.score(out.policy());
        double acc = score.accuracy();
        boolean hit = cache.lastWasHit();
        double reward = 0.1 * (acc - reference);
        t = System.nanoTime();
        for (int s = 0; s < steps; s++) {
          boolean done = s == steps - 1;
          agent.observe(states[s], actions[s], reward, done ? states[s] : states[s + 1], done);
          if (!warm) agent.update();
        }
        agentNanos += System.nanoTime() - t;
        best = Candidate.better(best, new Candidate("HAQ", out.policy(), score, out.cost()));
        Episode ep = new Episode(e + 1, warm, out.policy(), acc, reward, out.cost(), out.repairs(), sigma, hit,
            best.accuracy(), (System.nanoTime() - start) / 1e9);
        episodes.add(ep);
        listener.accept(ep);
      }
    } catch (CancelledException stop) {
      if (best == null) throw stop;
      stopped = true;
    }
    return new Outcome(best, episodes, stopped, agentNanos / 1e9);
  }

  /** Random search: uniform random actions for every step, repaired to the budget, as many episodes as HAQ. */
  static Candidate random(Environment env, ScoreCache cache, int episodes, long seed, Consumer<String> progress) {
    java.util.Random rng = new java.util.Random(seed);
    Candidate best = null;
    for (int e = 0; e < episodes; e++) {
      int[] w = new int[env.layers()];
      int[] a = new int[env.layers()];
      for (int i = 0; i < env.layers(); i++) {
        w[i] = env.bits(rng.nextDouble());
        a[i] = env.bits(rng.nextDouble());
      }
      Environment.Outcome out = env.finish(w, a);
      best = Candidate.better(best, new Candidate("random search", out.policy(), cache.score(out.policy()), out.cost()));
      progress.accept(String.format("random search %d/%d: best accuracy %.2f%%", e + 1, episodes, best.accuracy()));
    }
    return best;
  }

  /**
   * The best uniform policy within the budget: every layer at the same (w, a). Only the pairs on the
   * budget's frontier are scored (for each weight width, the widest activation width that fits),
   * since narrower pairs cost accuracy without being needed.
   */
  static Candidate uniform(Environment env, ScoreCache cache, Consumer<String> progress) {
    Candidate best = null;
    int n = env.layers();
    for (int wb = env.maxBits(); wb >= env.minBits(); wb--) {
      for (int ab = env.maxBits(); ab >= env.minBits(); ab--) {
        List<Bits> p = Policies.uniform(n, wb, ab);
        double cost = env.cost(Policies.weights(p), Policies.activations(p));
        if (cost <= env.limit()) {
          best = Candidate.better(best, new Candidate("uniform W" + wb + "A" + ab, p, cache.score(p), cost));
          progress.accept(String.format("uniform baseline W%dA%d: best accuracy %.2f%%", wb, ab, best.accuracy()));
          break;
        }
      }
    }
    return best;
  }
}
