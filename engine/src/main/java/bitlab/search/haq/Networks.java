package bitlab.search.haq;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * HAQ's actor and critic, two-hidden-layer MLPs on ND4J arrays (double precision) with their
 * backward passes written out. Actor: {@code sigmoid(fc3(relu(fc2(relu(fc1(s))))))}. Critic:
 * {@code fc3(relu(fc2(relu(W_s s + W_a a + b))))}. Weights are {@code [in, out]}, initialised as
 * PyTorch initialises {@code nn.Linear}: uniform in {@code ±1/sqrt(fan_in)}, from a seeded generator.
 *
 * <p>(The same networks as SameDiff graphs took about a second per update on a 2-core machine,
 * dominated by graph-execution overhead for matrices this small; these take about a millisecond.)
 */
final class Networks {
  static final List<String> ACTOR = List.of(
      "actor.fc1.w", "actor.fc1.b", "actor.fc2.w", "actor.fc2.b", "actor.fc3.w", "actor.fc3.b");
  static final List<String> CRITIC = List.of(
      "critic.fc1s.w",
      "critic.fc1a.w",
      "critic.fc1.b",
      "critic.fc2.w",
      "critic.fc2.b",
      "critic.fc3.w",
      "critic.fc3.b");

  private Networks() {}

  static Map<String, INDArray> initActor(int states, int h1, int h2, Random rng) {
    Map<String, INDArray> p = new LinkedHashMap<>();
    p.put("actor.fc1.w", uniform(rng, states, states, h1));
    p.put("actor.fc1.b", uniform(rng, states, 1, h1));
    p.put("actor.fc2.w", uniform(rng, h1, h1, h2));
    p.put("actor.fc2.b", uniform(rng, h1, 1, h2));
    p.put("actor.fc3.w", uniform(rng, h2, h2, 1));
    p.put("actor.fc3.b", uniform(rng, h2, 1, 1));
    return p;
  }

  static Map<String, INDArray> initCritic(int states, int h1, int h2, Random rng) {
    Map<String, INDArray> p = new LinkedHashMap<>();
    p.put("critic.fc1s.w", uniform(rng, states, states, h1));
    p.put("critic.fc1a.w", uniform(rng, 1, 1, h1));
    p.put("critic.fc1.b", uniform(rng, states, 1, h1));
    p.put("critic.fc2.w", uniform(rng, h1, h1, h2));
    p.put("critic.fc2.b", uniform(rng, h1, 1, h2));
    p.put("critic.fc3.w", uniform(rng, h2, h2, 1));
    p.put("critic.fc3.b", uniform(rng, h2, 1, 1));
    return p;
  }

  /** The actor's forward pass, keeping what its backward pass needs. */
  record ActorPass(INDArray s, INDArray h1, INDArray h2, INDArray mu) {}

  /** The critic's forward pass, keeping what its backward pass needs. */
  record CriticPass(INDArray s, INDArray a, INDArray g1, INDArray g2, INDArray q) {}

  static ActorPass actor(Map<String, INDArray> p, INDArray s) {
    INDArray h1 =
        Transforms.relu(s.mmul(p.get("actor.fc1.w")).addiRowVector(p.get("actor.fc1.b")), false);
    INDArray h2 =
        Transforms.relu(h1.mmul(p.get("actor.fc2.w")).addiRowVector(p.get("actor.fc2.b")), false);
    INDArray mu = Transforms.sigmoid(
        h2.mmul(p.get("actor.fc3.w")).addiRowVector(p.get("actor.fc3.b")), false);
    return new ActorPass(s, h1, h2, mu);
  }

  static CriticPass critic(Map<String, INDArray> p, INDArray s, INDArray a) {
    INDArray g1 = Transforms.relu(
        s.mmul(p.get("critic.fc1s.w"))
            .addi(a.mmul(p.get("critic.fc1a.w")))
            .addiRowVector(p.get("critic.fc1.b")),
        false);
    INDArray g2 =
        Transforms.relu(g1.mmul(p.get("critic.fc2.w")).addiRowVector(p.get("critic.fc2.b")), false);
    INDArray q = g2.mmul(p.get("critic.fc3.w")).addiRowVector(p.get("critic.fc3.b"));
    return new CriticPass(s, a, g1, g2, q);
  }

  /**
   * Backward through the critic from {@code dq = dLoss/dq}; fills {@code grads} (if not null) with the
   * parameter gradients and returns {@code dLoss/da}.
   */
  static INDArray criticBackward(
      Map<String, INDArray> p, CriticPass f, INDArray dq, Map<String, INDArray> grads) {
    INDArray du2 = dq.mmul(p.get("critic.fc3.w").transpose()).muli(positive(f.g2()));
    INDArray du1 = du2.mmul(p.get("critic.fc2.w").transpose()).muli(positive(f.g1()));
    if (grads != null) {
      grads.put("critic.fc3.w", f.g2().transpose().mmul(dq));
      grads.put("critic.fc3.b", dq.sum(true, 0));
      grads.put("critic.fc2.w", f.g1().transpose().mmul(du2));
      grads.put("critic.fc2.b", du2.sum(true, 0));
      grads.put("critic.fc1s.w", f.s().transpose().mmul(du1));
      grads.put("critic.fc1a.w", f.a().transpose().mmul(du1));
      grads.put("critic.fc1.b", du1.sum(true, 0));
    }
    return du1.mmul(p.get("critic.fc1a.w").transpose());
  }

  /** Backward through the actor from {@code dmu = dLoss/dmu}: the parameter gradients. */
  static Map<String, INDArray> actorBackward(Map<String, INDArray> p, ActorPass f, INDArray dmu) {
    INDArray mu = f.mu();
    INDArray dz3 = dmu.mul(mu.mul(mu.rsub(1)));
    INDArray dz2 = dz3.mmul(p.get("actor.fc3.w").transpose()).muli(positive(f.h2()));
    INDArray dz1 = dz2.mmul(p.get("actor.fc2.w").transpose()).muli(positive(f.h1()));
    Map<String, INDArray> g = new LinkedHashMap<>();
    g.put("actor.fc1.w", f.s().transpose().mmul(dz1));
    g.put("actor.fc1.b", dz1.sum(true, 0));
    g.put("actor.fc2.w", f.h1().transpose().mmul(dz2));
    g.put("actor.fc2.b", dz2.sum(true, 0));
    g.put("actor.fc3.w", f.h2().transpose().mmul(dz3));
    g.put("actor.fc3.b", dz3.sum(true, 0));
    return g;
  }

  /** 1 where a ReLU output is positive (its input was), 0 elsewhere. */
  private static INDArray positive(INDArray reluOut) {
    return reluOut.gt(0).castTo(DataType.DOUBLE);
  }

  private static INDArray uniform(Random rng, int fanIn, int rows, int cols) {
    double bound = 1 / Math.sqrt(fanIn);
    double[] v = new double[rows * cols];
    for (int i = 0; i < v.length; i++) v[i] = (2 * rng.nextDouble() - 1) * bound;
    return Nd4j.create(v, new long[] {rows, cols}, DataType.DOUBLE);
  }
}
