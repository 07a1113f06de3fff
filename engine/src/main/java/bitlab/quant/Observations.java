package bitlab.quant;

import bitlab.data.Samples;
import bitlab.model.Model;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model folded once and the histograms of its floating-point activations on fixed calibration
 * images, observed on first use and kept. Static PTQ reads its activation ranges from the float
 * graph, which does not depend on the bits, so many policies of one model (a search) can share
 * one {@code Observations}: only the first calibrates.
 */
public final class Observations {
  private final Model source;
  private final Model folded;
  private final Samples calibration;
  private final int bins;
  private final boolean equalized;
  private final Map<String, Histogram> histograms = new HashMap<>();
  private int passes;

  private Observations(Model source, Samples calibration, int bins, boolean equalized) {
    if (calibration == null || calibration.size() == 0) {
      throw new QuantException(
          "The calibration set is empty; give at least one image (e.g. data.train().take(512)).");
    }
    this.source = source;
    this.folded = equalized ? CrossLayerEqualization.apply(source) : BatchNormFolding.fold(source);
    this.equalized = equalized;
    this.calibration = calibration;
    this.bins = bins;
  }

  /** Nothing observed yet: the first PTQ that needs a tensor observes it. */
  public static Observations of(Model model, Samples calibration, int bins) {
    return new Observations(model, calibration, bins, false);
  }

  /** The same, observing the model after cross-layer equalization when {@code equalized}. */
  public static Observations of(Model model, Samples calibration, int bins, boolean equalized) {
    return new Observations(model, calibration, bins, equalized);
  }

  /** The model as given. */
  public Model source() {
    return source;
  }

  /** Whether {@link #folded()} was cross-layer equalized. */
  public boolean equalized() {
    return equalized;
  }

  /** The model with BatchNorm folded (and equalized if asked), the graph the histograms were observed on. */
  public Model folded() {
    return folded;
  }

  public Samples calibration() {
    return calibration;
  }

  public int bins() {
    return bins;
  }

  /** How many times calibration images were run through the graph (once per batch of tensors not seen before). */
  public synchronized int passes() {
    return passes;
  }

  /** The histograms of these node outputs, observing the ones not seen before in one run over the calibration images. */
  public synchronized Map<String, Histogram> histograms(Collection<String> nodes) {
    List<String> missing = new ArrayList<>();
    for (String n : nodes) if (!histograms.containsKey(n)) missing.add(n);
    if (!missing.isEmpty()) {
      histograms.putAll(Observer.observe(folded, calibration, missing, bins));
      bitlab.model.Inference.release(folded);
      passes++;
    }
    Map<String, Histogram> out = new LinkedHashMap<>();
    for (String n : nodes) out.put(n, histograms.get(n));
    return out;
  }
}
