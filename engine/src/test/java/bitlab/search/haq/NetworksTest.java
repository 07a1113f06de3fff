package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The hand-written backward passes agree with central differences of the forward passes. */
@Tag("slow")
class NetworksTest {
  private final Random rng = new Random(5);
  private final Map<String, INDArray> actor = Networks.initActor(3, 5, 4, rng);
  private final Map<String, INDArray> critic = Networks.initCritic(3, 5, 4, rng);
  private final INDArray s = Nd4j.rand(DataType.DOUBLE, 6, 3);
  private final INDArray a = Nd4j.rand(DataType.DOUBLE, 6, 1);
  private final INDArray y = Nd4j.rand(DataType.DOUBLE, 6, 1);

  @Test
  void criticGradientMatchesFiniteDifferences() {
    Supplier<Double> loss = () -> {
      INDArray d = Networks.critic(critic, s, a).q().sub(y);
      return d.mul(d).meanNumber().doubleValue();
    };
    Networks.CriticPass f = Networks.critic(critic, s, a);
    Map<String, INDArray> g = new LinkedHashMap<>();
    Networks.criticBackward(critic, f, f.q().sub(y).mul(2.0 / 6), g);
    check(critic, g, loss);
  }

  @Test
  void actorGradientThroughTheCriticMatchesFiniteDifferences() {
    Supplier<Double> loss =
        () -> -Networks.critic(critic, s, Networks.actor(actor, s).mu())
            .q()
            .meanNumber()
            .doubleValue();
    Networks.ActorPass af = Networks.actor(actor, s);
    Networks.CriticPass qf = Networks.critic(critic, s, af.mu());
    INDArray dmu = Networks.criticBackward(
        critic, qf, Nd4j.valueArrayOf(new long[] {6, 1}, -1.0 / 6, DataType.DOUBLE), null);
    check(actor, Networks.actorBackward(actor, af, dmu), loss);
  }

  private static void check(
      Map<String, INDArray> params, Map<String, INDArray> grads, Supplier<Double> loss) {
    assertEquals(params.keySet(), grads.keySet());
    double eps = 1e-6;
    for (String k : params.keySet()) {
      INDArray p = params.get(k);
      for (long i = 0; i < p.length(); i++) {
        double v = p.getDouble(i);
        p.putScalar(i, v + eps);
        double up = loss.get();
        p.putScalar(i, v - eps);
        double down = loss.get();
        p.putScalar(i, v);
        double numeric = (up - down) / (2 * eps);
        assertEquals(
            numeric, grads.get(k).getDouble(i), 1e-6 + 1e-4 * Math.abs(numeric), k + "[" + i + "]");
      }
    }
  }
}
