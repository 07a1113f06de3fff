package bitlab.dsl.sweep.ship;

import bitlab.dsl.sweep.job.LiveInputs;
import bitlab.dsl.sweep.job.SweepException;
import bitlab.model.Model;
import bitlab.onnx.OnnxExport;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sweep's inputs as bytes for other JVMs: each model as ONNX, each data set as {@link DatasetBytes},
 * each target frozen for each model. A cluster runner sends every part once per executor (a broadcast
 * each) and rebuilds them there with {@link ShippedInputs}.
 */
public record Shipment(
    Map<String, byte[]> models, Map<String, byte[]> data, Map<String, FrozenTarget> targets)
    implements Serializable {

  public static Shipment of(LiveInputs live) {
    Map<String, byte[]> models = new LinkedHashMap<>();
    for (Map.Entry<String, Model> e : live.models().entrySet()) {
      if (!e.getValue().name().equals(e.getKey())) {
        throw new SweepException("Model '" + e.getValue().name() + "' is listed as '" + e.getKey()
            + "'; rename it with net.withName(\"" + e.getKey()
            + "\") so that other JVMs find it by that name.");
      }
      models.put(e.getKey(), OnnxExport.toBytes(e.getValue()));
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    live.data().forEach((name, d) -> data.put(name, DatasetBytes.encode(d)));
    Map<String, FrozenTarget> targets = new LinkedHashMap<>();
    for (Model m : live.models().values()) {
      live.targets()
          .forEach((name, t) ->
              targets.put(targetKey(name, m.name()), FrozenTarget.of(t, m.name(), m.workloads())));
    }
    return new Shipment(models, data, targets);
  }

  /** The key of a target frozen for a model. */
  public static String targetKey(String target, String model) {
    return target + "@" + model;
  }

  /** The inputs back, decoded lazily (in one JVM: a round trip, as tests use it). */
  public ShippedInputs open() {
    return new ShippedInputs(models::get, data::get, targets::get);
  }
}
