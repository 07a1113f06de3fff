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
 * A target as the numbers it gives one model: every layer's latency and energy at every bit pair,
 * computed where the sweep was declared. Another JVM prices that model exactly as the original target
 * would (the same doubles), without the target's file, a session's declaration or a measured table.
 */
public record FrozenTarget(
    String name,
    String description,
    String model,
    int batch,
    List<String> layers,
    double[][] latency,
    double[][] energy)
    implements Serializable {

  private static final int CELLS = Bits.SLOTS * Bits.SLOTS;

  /** Prices every layer at every pair once. */
  public static FrozenTarget of(Target t, String model, List<LayerWorkload> layers) {
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
    return new FrozenTarget(
        t.name(),
        t.description(),
        model,
        t.batch(),
        layers.stream().map(LayerWorkload::name).toList(),
        lat,
        en);
  }

  /** The target again, as a table of one unit per second and per joule. */
  public Target thaw() {
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
