package bitlab.cluster;

import bitlab.dsl.sweep.ship.ShippedInputs;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inputs of the sweeps an executor JVM serves, decoded once per JVM and shared by the tasks that
 * run there; only the two most recent sweeps are kept.
 */
final class ExecutorInputs {
  private static final Map<String, ShippedInputs> SWEEPS = new LinkedHashMap<>(4, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ShippedInputs> eldest) {
      return size() > 2;
    }
  };

  private ExecutorInputs() {}

  static synchronized ShippedInputs of(Cargo c) {
    return SWEEPS.computeIfAbsent(
        c.sweep(),
        id -> new ShippedInputs(
            name -> c.models().get(name).value(),
            name -> c.data().get(name).value(),
            key -> c.targets().value().get(key)));
  }
}
