package bitlab.quant;

import bitlab.data.Batch;
import bitlab.data.Samples;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs calibration images through a model's floating-point graph and keeps a {@link Histogram} of
 * each named node output: one pass for extremes and moments, a second for the bins.
 */
public final class Observer {
  public static final int DEFAULT_BINS = 2048;
  private static final int BATCH = 100;

  private Observer() {}

  public static Map<String, Histogram> observe(
      Model model, Samples calibration, Collection<String> nodes, int bins) {
    if (calibration == null || calibration.size() == 0) {
      throw new QuantException(
          "The calibration set is empty; give at least one image (e.g. data.train().take(512)).");
    }
    Inference.checkFits(model, calibration);
    Map<String, Histogram.Builder> builders = new LinkedHashMap<>();
    for (String n : nodes) builders.put(n, new Histogram.Builder(n));
    String input = model.nodes().get(0).name();
    List<String> fetch = new ArrayList<>();
    for (String n : nodes) if (!n.equals(input)) fetch.add(n);
    for (int pass = 0; pass < 2; pass++) {
      int seen = 0;
      for (Batch b : calibration.batches(BATCH)) {
        Map<String, INDArray> out =
            fetch.isEmpty() ? Map.of() : Inference.outputs(model, b.x(), fetch);
        for (Map.Entry<String, Histogram.Builder> e : builders.entrySet()) {
          INDArray a = e.getKey().equals(input) ? b.x() : out.get(e.getKey());
          e.getValue().observe(a.castTo(DataType.FLOAT).dup('c').data().asFloat());
        }
        seen += b.size();
        Work.progress(String.format(
            "calibrating %s (pass %d/2): %,d / %,d images",
            model.name(), pass + 1, seen, calibration.size()));
      }
      if (pass == 0) for (Histogram.Builder hb : builders.values()) hb.startBins(bins);
    }
    Map<String, Histogram> result = new LinkedHashMap<>();
    builders.forEach((k, v) -> result.put(k, v.build()));
    return result;
  }
}
