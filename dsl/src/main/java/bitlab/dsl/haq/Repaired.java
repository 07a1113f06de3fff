package bitlab.dsl.haq;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.search.Budget;
import bitlab.search.haq.Resource;
import java.util.List;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What HAQ's budget repair made of one policy: the widths chosen, the widths after the repair lowered
 * them (from the last layer backwards, activations then weights, one bit at a time), both costs and
 * the number of one-bit cuts.
 *
 * @param before cost of the chosen policy in base units (seconds, joules or bytes)
 * @param after  cost after the repair, at most {@code limit}
 */
public record Repaired(
    String model,
    String target,
    Budget budget,
    List<LayerWorkload> layers,
    List<Bits> chosen,
    List<Bits> repaired,
    double before,
    double after,
    double limit,
    double eightBit,
    int cuts)
    implements Renderable {

  public Repaired {
    chosen = List.copyOf(chosen);
    repaired = List.copyOf(repaired);
    layers = List.copyOf(layers);
  }

  /** How many layers the repair changed. */
  public int changedLayers() {
    int n = 0;
    for (int i = 0; i < chosen.size(); i++) if (!chosen.get(i).equals(repaired.get(i))) n++;
    return n;
  }

  /** One row per layer: kind, the chosen and the repaired widths, and whether the repair touched it. */
  public Table table() {
    IntColumn index = IntColumn.create("#");
    StringColumn layer = StringColumn.create("layer");
    StringColumn kind = StringColumn.create("kind");
    StringColumn was = StringColumn.create("chosen");
    StringColumn now = StringColumn.create("after repair");
    StringColumn changed = StringColumn.create("cut");
    for (int i = 0; i < layers.size(); i++) {
      index.append(i);
      layer.append(layers.get(i).name());
      kind.append(HaqCharts.kind(layers.get(i)));
      was.append(chosen.get(i).toString());
      now.append(repaired.get(i).toString());
      Bits c = chosen.get(i);
      Bits r = repaired.get(i);
      int dw = c.weights() - r.weights();
      int da = c.activations() - r.activations();
      changed.append(
          dw == 0 && da == 0
              ? ""
              : (dw > 0 ? "-" + dw + "w " : "") + (da > 0 ? "-" + da + "a" : ""));
    }
    return Table.create(
        "budget repair of " + model + " on " + target, index, layer, kind, was, now, changed);
  }

  public String summary() {
    Resource r = Resource.of(budget.metric());
    if (cuts == 0) {
      return String.format(
          "%s: the chosen policy costs %s (%.3f of 8-bit), within the budget %s: nothing to repair",
          model, r.format(before), before / eightBit, r.format(limit));
    }
    return String.format(
        "%s: the chosen policy costs %s (%.3f of 8-bit), over the budget %s; %d one-bit cuts in %d layers bring it to %s "
            + "(%.3f of 8-bit)",
        model,
        r.format(before),
        before / eightBit,
        r.format(limit),
        cuts,
        changedLayers(),
        r.format(after),
        after / eightBit);
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.html(
        summary() + "\n" + table().printAll(),
        "<p>" + TableHtml.escape(summary()) + "</p>" + TableHtml.html(table(), 200));
  }

  @Override
  public String toString() {
    return summary();
  }
}
