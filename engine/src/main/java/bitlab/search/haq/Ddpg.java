package bitlab.search.haq;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The DDPG agent of HAQ for one continuous action in [0, 1]: actor and critic ({@link Networks}),
 * their target copies following by soft updates, ND4J's Adam for both, a replay buffer, and the
 * reference's moving reward baseline (the batch mean reward, smoothed, subtracted from rewards).
 * One seeded {@link Random} drives initialisation, warm-up actions, exploration noise and replay
 * sampling, so a seed fixes the whole run.
 */
public final class Ddpg {
  private final DdpgConfig cfg;
  private final Random rng;
  private final int features;
  private final ReplayBuffer buffer;
  private final Map<String, INDArray> actor;
  private final Map<String, INDArray> critic;
  private final Map<String, INDArray> actorTarget;
  private final Map<String, INDArray> criticTarget;
  private final Map<String, GradientUpdater<?>> updaters = new HashMap<>();
  private final Map<String, GradientUpdater<?>> imitation = new HashMap<>();
  private int imitationSteps;
  private Double baseline;
  private int iteration;
  private double valueLoss = Double.NaN;
  private double policyLoss = Double.NaN;

  /**
   * @param features state size
   * @param capacity replay buffer capacity in transitions
   */
  public Ddpg(int features, int capacity, DdpgConfig cfg, long seed) {
    this.cfg = cfg;
    this.features = features;
    this.rng = new Random(seed);
    this.buffer = new ReplayBuffer(capacity, features);
    actor = Networks.initActor(features, cfg.hidden1(), cfg.hidden2(), rng);
    critic = Networks.initCritic(features, cfg.hidden1(), cfg.hidden2(), rng);
    actorTarget = copy(actor);
    criticTarget = copy(critic);
    addUpdaters(updaters, actor, cfg.actorLr());
    addUpdaters(updaters, critic, cfg.criticLr());
  }

  /** The critic's last mean squared error. */
  public double valueLoss() {
    return valueLoss;
  }

  /** The actor's last loss, {@code -mean Q(s, mu(s))}. */
  public double policyLoss() {
    return policyLoss;
  }

  /** A uniform random action (warm-up). */
  public double randomAction() {
    return rng.nextDouble();
  }

  /** The actor's action without noise. */
  public double greedy(double[] state) {
    return singleThreaded(() -> {
      INDArray x = Nd4j.create(state, new long[] {1, features}, DataType.DOUBLE);
      return Networks.actor(actor, x).mu().getDouble(0);
    });
  }

  /**
   * Runs the agent's small-matrix work with one native thread: on two shared cores, splitting
   * 64x300 products across OpenMP threads made an update ten times slower than doing it on one.
   */
  private static <T> T singleThreaded(java.util.function.Supplier<T> work) {
    var ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
    synchronized (Ddpg.class) {
      int before = ops.ompGetMaxThreads();
      ops.setOmpNumThreads(1);
      // The temporaries of one step live in a workspace that is reused: a search makes thousands of
      // updates,
      // each allocating megabytes off the Java heap that would otherwise wait for a garbage
      // collection.
      try (MemoryWorkspace ws =
          Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, "bitlab-haq-ddpg")) {
        return work.get();
      } finally {
        ops.setOmpNumThreads(before);
      }
    }
  }

  private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
      .initialSize(0)
      .policyAllocation(AllocationPolicy.STRICT)
      .policyLearning(LearningPolicy.FIRST_LOOP)
      .policyReset(ResetPolicy.BLOCK_LEFT)
      .policySpill(SpillPolicy.REALLOCATE)
      .build();

  /** The actor's action plus truncated-normal noise of width {@code sigma}, kept in [0, 1]. */
  public double explore(double[] state, double sigma) {
    double mu = greedy(state);
    for (int tries = 0; tries < 1000; tries++) {
      double x = mu + sigma * rng.nextGaussian();
      if (x >= 0 && x <= 1) return x;
    }
    return Math.min(1, Math.max(0, mu));
  }

  /** Noise width after {@code explored} episodes of exploration: sigma * decay^explored. */
  public double sigma(int explored) {
    return cfg.sigma() * Math.pow(cfg.sigmaDecay(), Math.max(0, explored));
  }

  /**
   * Teaches the actor a policy (self-imitation): regresses its output at {@code states} onto
   * {@code actions} (mean squared error, Adam at rate 1e-3 with moments of its own) until every
   * output is within {@code tolerance} of its action or {@code maxSteps} steps are done, then sets
   * the target actor to the result. Draws nothing from the generator.
   *
   * @return the steps taken
   */
  public int imitate(double[][] states, double[] actions, double tolerance, int maxSteps) {
    if (imitation.isEmpty()) addUpdaters(imitation, actor, 1e-3);
    int n = actions.length;
    double[] flat = new double[n * features];
    for (int i = 0; i < n; i++) System.arraycopy(states[i], 0, flat, i * features, features);
    int steps = 0;
    while (true) {
      boolean last = steps >= maxSteps;
      double worst = singleThreaded(() -> {
        INDArray s = Nd4j.create(flat, new long[] {n, features}, DataType.DOUBLE);
        INDArray target = Nd4j.create(actions, new long[] {n, 1}, DataType.DOUBLE);
        Networks.ActorPass af = Networks.actor(actor, s);
        INDArray diff = af.mu().sub(target);
        double far = Transforms.abs(diff, true).maxNumber().doubleValue();
        if (far > tolerance && !last) {
          apply(
              actor,
              Networks.actorBackward(actor, af, diff.muli(2.0 / n)),
              imitation,
              imitationSteps++);
        }
        return far;
      });
      if (worst <= tolerance || last) break;
      steps++;
    }
    for (String k : Networks.ACTOR) actorTarget.get(k).assign(actor.get(k));
    return steps;
  }

  public void observe(double[] state, double action, double reward, double[] next, boolean done) {
    buffer.add(state, action, reward, next, done);
  }

  /** One DDPG update from a replay mini-batch: critic, then actor (through the updated critic), then the targets. */
  public void update() {
    if (buffer.size() == 0) return;
    singleThreaded(() -> {
      step();
      return null;
    });
  }

  private void step() {
    ReplayBuffer.Batch b = buffer.sample(cfg.batchSize(), rng);
    int n = b.size();
    double mean = 0;
    for (double r : b.rewards()) mean += r;
    mean /= n;
    baseline = baseline == null ? mean : baseline + cfg.baselineRate() * (mean - baseline);

    INDArray s = Nd4j.create(b.states(), new long[] {n, features}, DataType.DOUBLE);
    INDArray s2 = Nd4j.create(b.next(), new long[] {n, features}, DataType.DOUBLE);
    INDArray a = Nd4j.create(b.actions(), new long[] {n, 1}, DataType.DOUBLE);
    INDArray q2 =
        Networks.critic(criticTarget, s2, Networks.actor(actorTarget, s2).mu()).q();
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = (b.rewards()[i] - baseline) + cfg.discount() * (1 - b.done()[i]) * q2.getDouble(i, 0);
    }
    INDArray target = Nd4j.create(y, new long[] {n, 1}, DataType.DOUBLE);

    Networks.CriticPass cf = Networks.critic(critic, s, a);
    INDArray diff = cf.q().sub(target);
    valueLoss = diff.mul(diff).meanNumber().doubleValue();
    Map<String, INDArray> cg = new LinkedHashMap<>();
    Networks.criticBackward(critic, cf, diff.mul(2.0 / n), cg);
    apply(critic, cg);

    Networks.ActorPass af = Networks.actor(actor, s);
    Networks.CriticPass qf = Networks.critic(critic, s, af.mu());
    policyLoss = -qf.q().meanNumber().doubleValue();
    INDArray dmu = Networks.criticBackward(
        critic, qf, Nd4j.valueArrayOf(new long[] {n, 1}, -1.0 / n, DataType.DOUBLE), null);
    apply(actor, Networks.actorBackward(actor, af, dmu));

    for (String k : Networks.ACTOR) soft(actorTarget.get(k), actor.get(k));
    for (String k : Networks.CRITIC) soft(criticTarget.get(k), critic.get(k));
    iteration++;
  }

  private void apply(Map<String, INDArray> params, Map<String, INDArray> grads) {
    apply(params, grads, updaters, iteration);
  }

  private static void apply(
      Map<String, INDArray> params,
      Map<String, INDArray> grads,
      Map<String, GradientUpdater<?>> with,
      int step) {
    for (Map.Entry<String, INDArray> e : grads.entrySet()) {
      INDArray g = e.getValue();
      with.get(e.getKey()).applyUpdater(g, step, 0);
      params.get(e.getKey()).subi(g);
    }
  }

  private void soft(INDArray target, INDArray source) {
    target.muli(1 - cfg.tau()).addi(source.mul(cfg.tau()));
  }

  private static void addUpdaters(
      Map<String, GradientUpdater<?>> updaters, Map<String, INDArray> params, double lr) {
    Adam adam = new Adam(lr);
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      INDArray arr = e.getValue();
      INDArray view = Nd4j.zeros(DataType.DOUBLE, 1, adam.stateSize(arr.length()));
      GradientUpdater<?> u = adam.instantiate(view, true);
      u.setStateViewArray(view, arr.shape(), 'c', true);
      updaters.put(e.getKey(), u);
    }
  }

  private static Map<String, INDArray> copy(Map<String, INDArray> p) {
    Map<String, INDArray> c = new LinkedHashMap<>();
    p.forEach((k, v) -> c.put(k, v.dup()));
    return c;
  }
}
