package bitlab.dsl.hardware;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import bitlab.hardware.TargetParameterException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The speed-up of one layer on one target at every weight/activation pair over W8A8: the table a reader compares
 * rows and columns of, and the same as a heatmap, where the shape of the pricing (a product {@code w × a}, steps of
 * two bits, a memory roof) shows at a glance.
 *
 * @param speedup {@code speedup[i][j]} at weight width {@code widths[i]} and activation width {@code widths[j]}
 */
public record Speedups(String target, String layer, int[] widths, double[][] speedup)
    implements Renderable {
  /** Widths 2, 3, 4, 5, 6 and 8. */
  public static Speedups of(Target target, LayerWorkload layer) {
    return of(target, layer, 2, 3, 4, 5, 6, 8);
  }

  public static Speedups of(Target target, LayerWorkload layer, int... widths) {
    if (target == null || layer == null)
      throw new TargetParameterException("speedups(target, layer) needs a target and a layer, e.g. "
          + "speedups(hardware(\"bismo-edge\"), convLayer(\"pw\", 64, 64, 1, 1, 14)).");
    if (widths.length == 0)
      throw new TargetParameterException("speedups needs at least one width, e.g. 2, 4, 8.");
    for (int w : widths)
      if (w < 1 || w > 32)
        throw new TargetParameterException("A width must lie in 1..32, got " + w + ".");
    double base = seconds(target, layer, Bits.of(8, 8));
    double[][] s = new double[widths.length][widths.length];
    for (int i = 0; i < widths.length; i++) {
      for (int j = 0; j < widths.length; j++)
        s[i][j] = base / seconds(target, layer, Bits.of(widths[i], widths[j]));
    }
    return new Speedups(target.name(), layer.name(), widths.clone(), s);
  }

  private static double seconds(Target t, LayerWorkload layer, Bits bits) {
    return CostReport.price(t, layer.name(), List.of(layer), Policies.uniform(List.of(layer), bits))
        .total()
        .seconds();
  }

  /** The speed-up at {@code w}-bit weights and {@code a}-bit activations. */
  public double at(int w, int a) {
    for (int i = 0; i < widths.length; i++) {
      for (int j = 0; j < widths.length; j++)
        if (widths[i] == w && widths[j] == a) return speedup[i][j];
    }
    throw new TargetParameterException("W" + w + "A" + a
        + " is not among the widths of this table, " + java.util.Arrays.toString(widths) + ".");
  }

  /** Rows: weight widths; columns: activation widths; two decimals. */
  public Table table() {
    StringColumn rows = StringColumn.create("weights \\ activations");
    List<DoubleColumn> cols = new ArrayList<>();
    for (int a : widths) cols.add(DoubleColumn.create("A" + a));
    for (int i = 0; i < widths.length; i++) {
      rows.append("W" + widths[i]);
      for (int j = 0; j < widths.length; j++)
        cols.get(j).append(Math.round(speedup[i][j] * 100) / 100.0);
    }
    Table t = Table.create(layer + " on " + target + ": speed-up over W8A8", rows);
    cols.forEach(t::addColumns);
    return t;
  }

  /** The heatmap: weight widths up, activation widths across, each cell coloured by its speed-up. */
  public HeatMapChart chart() {
    HeatMapChart c = new HeatMapChartBuilder()
        .width(520)
        .height(420)
        .title(layer + " on " + target + ": speed-up over W8A8")
        .xAxisTitle("activation bits")
        .yAxisTitle("weight bits")
        .build();
    c.getStyler().setShowValue(true);
    c.getStyler().setLegendVisible(true);
    List<Integer> xs = new ArrayList<>(), ys = new ArrayList<>();
    for (int w : widths) {
      xs.add(w);
      ys.add(w);
    }
    List<Number[]> cells = new ArrayList<>();
    for (int i = 0; i < widths.length; i++) {
      for (int j = 0; j < widths.length; j++)
        cells.add(new Number[] {j, i, Math.round(speedup[i][j] * 100) / 100.0});
    }
    c.addSeries("speed-up", xs, ys, cells);
    return c;
  }

  @Override
  public String toString() {
    return table().print();
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.html(
        toString(),
        TableHtml.html(table()) + "<img src=\"data:image/png;base64,"
            + ChartImages.pngBase64(chart()) + "\"/>");
  }
}
