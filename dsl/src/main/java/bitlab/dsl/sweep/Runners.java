package bitlab.dsl.sweep;

import bitlab.dsl.sweep.job.SweepException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Opens a {@link Runner}: threads here, other kinds through the {@link RunnerProvider}s on the cluster class path or this one. */
public final class Runners {
  private Runners() {}

  public static SweepRunner open(Runner spec) {
    if (spec.kind().equals(Runner.THREADS)) return new ThreadRunner(spec.jobs());
    List<String> known = new ArrayList<>(List.of(Runner.THREADS));
    ClassLoader loader = ClusterLoader.get();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    try {
      if (loader != null) Thread.currentThread().setContextClassLoader(loader);
      for (RunnerProvider p : ServiceLoader.load(
          RunnerProvider.class, loader != null ? loader : Runners.class.getClassLoader())) {
        if (p.kind().equals(spec.kind())) return p.open(spec);
        known.add(p.kind());
      }
    } finally {
      Thread.currentThread().setContextClassLoader(context);
    }
    if (spec.kind().equals(Runner.SPARK)) {
      throw new SweepException(
          "Running a sweep on Spark needs bitlab's cluster module and Spark on the class path, and this JVM has "
              + "neither: start it through ./bitlab (it passes -D" + ClusterLoader.PROPERTY
              + "=FILE, written by ./bitlab setup), or add "
              + "bitlab-cluster and its dependencies to your class path; on(threads(2)) runs the sweep here.");
    }
    throw new SweepException("No runner of kind '" + spec.kind() + "'; known kinds are "
        + String.join(", ", known) + ".");
  }
}
