package bitlab.dsl.sweep.ship;

import bitlab.hardware.Bits;
import bitlab.hardware.Cost;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.LutTableException;
import bitlab.hardware.Target;
import bitlab.hardware.kind.Lut;
import bitlab.hardware.kind.LutTable;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * A target as another JVM needs it for one model. A target of one of bitlab's kinds travels whole ({@code
 * target}): its cost model is a record of numbers, so an executor prices exactly as threads do, the stored widths
 * of a quantized model's tensors (its placement, a residual stream) and the operators without weights included. A
 * target whose cost model is not serializable (a class written in a session, which executors lack) goes as the numbers it gives the model: every
 * layer's latency and energy at every bit pair, computed where the sweep was declared; that table prices each
 * layer at its own widths only.
 *
 * @param latency seconds per layer and bit pair, or null when the target travels whole (and {@code energy} too)
 * @param target the target itself, or null when its cost model is not serializable
 */
public record FrozenTarget(
    String name,
    String description,
    String model,
    int batch,
    List<String> layers,
    double[][] latency,
    double[][] energy,
    Target target)
    implements Serializable {

  private static final int CELLS = Bits.SLOTS * Bits.SLOTS;

  /**
   * The target itself where its cost model can travel (no table then: the executor prices with the target); else
   * every layer priced at every pair once.
   */
  public static FrozenTarget of(Target t, String model, List<LayerWorkload> layers) {
    List<String> names = layers.stream().map(LayerWorkload::name).toList();
    if (t.model() instanceof Serializable)
      return new FrozenTarget(t.name(), t.description(), model, t.batch(), names, null, null, t);
    double[][] lat = new double[layers.size()][CELLS];
    double[][] en = new double[layers.size()][CELLS];
    for (int i = 0; i < layers.size(); i++) {
      Arrays.fill(lat[i], Double.NaN);
      Arrays.fill(en[i], Double.NaN);
      for (int sw = 0; sw < Bits.SLOTS; sw++) {
        for (int sa = 0; sa < Bits.SLOTS; sa++) {
          try {
            Cost c = t.layer(i, layers.get(i), new Bits(Bits.width(sw), Bits.width(sa)))
                .cost();
            lat[i][sw * Bits.SLOTS + sa] = c.seconds();
            en[i][sw * Bits.SLOTS + sa] = c.joules();
          } catch (LutTableException missing) {
            // a measured table without this pair: it stays missing, as in the original
          }
        }
      }
    }
    return new FrozenTarget(t.name(), t.description(), model, t.batch(), names, lat, en, null);
  }

  /** The target again: itself when it travelled, else a table of one unit per second and per joule. */
  public Target thaw() {
    if (target != null) return target;
    LutTable table = new LutTable(name + " as priced for " + model, layers, latency, energy, true);
    return new Target(
        name,
        description,
        new Lut(table, 1.0, 1.0, batch),
        List.of(),
        "",
        "priced for " + model + " where the sweep was declared");
  }
}
