package bitlab.dsl.sweep;

/**
 * A kind of runner that lives in another module, found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/bitlab.dsl.sweep.RunnerProvider}): the {@code cluster} module's Spark runner.
 */
public interface RunnerProvider {
  /** The {@link Runner#kind()} this provider opens, e.g. "spark". */
  String kind();

  SweepRunner open(Runner spec);
}
