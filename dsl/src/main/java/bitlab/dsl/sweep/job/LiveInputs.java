package bitlab.dsl.sweep.job;

import bitlab.data.Dataset;
import bitlab.hardware.Target;
import bitlab.model.Model;
import java.util.LinkedHashMap;
import java.util.Map;

/** The inputs of a sweep as the objects its cell or command line resolved: what jobs on threads use, and what is shipped elsewhere. */
public final class LiveInputs extends Inputs {
  private final Map<String, Model> models;
  private final Map<String, Dataset> data;
  private final Map<String, Target> targets;

  public LiveInputs(
      Map<String, Model> models, Map<String, Dataset> data, Map<String, Target> targets) {
    this.models = new LinkedHashMap<>(models);
    this.data = new LinkedHashMap<>(data);
    this.targets = new LinkedHashMap<>(targets);
  }

  public Map<String, Model> models() {
    return models;
  }

  public Map<String, Dataset> data() {
    return data;
  }

  public Map<String, Target> targets() {
    return targets;
  }

  @Override
  public Model model(String name) {
    return find(models, name, "model");
  }

  @Override
  public Dataset data(String name) {
    return find(data, name, "data set");
  }

  @Override
  public Target target(String name, Model model) {
    return find(targets, name, "target");
  }

  private static <T> T find(Map<String, T> m, String name, String what) {
    T t = m.get(name);
    if (t == null)
      throw new SweepException("The sweep has no " + what + " '" + name + "'; it has "
          + String.join(", ", m.keySet()) + ".");
    return t;
  }
}
