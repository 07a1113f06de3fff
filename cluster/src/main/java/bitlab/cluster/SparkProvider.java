package bitlab.cluster;

import bitlab.dsl.sweep.Runner;
import bitlab.dsl.sweep.RunnerProvider;
import bitlab.dsl.sweep.SweepRunner;

/** The "spark" runner kind ({@code spark("local[2]")}, {@code --master}), listed in META-INF/services. */
public final class SparkProvider implements RunnerProvider {
  @Override
  public String kind() {
    return Runner.SPARK;
  }

  @Override
  public SweepRunner open(Runner spec) {
    return new SparkRunner(Contexts.open(spec));
  }
}
