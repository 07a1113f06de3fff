package bitlab.dsl.sweep.ship;

import bitlab.data.Dataset;
import bitlab.dsl.sweep.job.Inputs;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.onnx.OnnxImport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A sweep's inputs in a JVM that received them as bytes: models as ONNX, data sets as
 * {@link DatasetBytes}, targets frozen per model. Each is decoded the first time a job asks for it and
 * kept, so one JVM decodes each input once however many jobs it runs.
 */
public final class ShippedInputs extends Inputs {
  private final Function<String, byte[]> modelBytes;
  private final Function<String, byte[]> dataBytes;
  private final Function<String, FrozenTarget> targets;
  private final Map<String, Model> models = new ConcurrentHashMap<>();
  private final Map<String, Dataset> data = new ConcurrentHashMap<>();
  private final Map<String, Target> thawed = new ConcurrentHashMap<>();
  private final AtomicInteger decodes = new AtomicInteger();

  /**
   * @param targets a frozen target by {@link Shipment#targetKey(String, String)}
   */
  public ShippedInputs(
      Function<String, byte[]> modelBytes,
      Function<String, byte[]> dataBytes,
      Function<String, FrozenTarget> targets) {
    this.modelBytes = modelBytes;
    this.dataBytes = dataBytes;
    this.targets = targets;
  }

  @Override
  public Model model(String name) {
    return models.computeIfAbsent(name, n -> {
      decodes.incrementAndGet();
      return OnnxImport.read(modelBytes.apply(n), n);
    });
  }

  @Override
  public Dataset data(String name) {
    return data.computeIfAbsent(name, n -> {
      decodes.incrementAndGet();
      return DatasetBytes.decode(dataBytes.apply(n));
    });
  }

  @Override
  public Target target(String name, Model model) {
    return thawed.computeIfAbsent(
        Shipment.targetKey(name, model.name()), k -> targets.apply(k).thaw());
  }

  /** How many models and data sets this JVM decoded (each once). */
  public int decodes() {
    return decodes.get();
  }
}
