package bitlab.dsl.display;

import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/** The renderers bitlab ships: Tablesaw tables as HTML, XChart charts as PNG and SVG, Java images as PNG. */
public final class StandardRenderers implements RendererProvider {
  @Override
  public void registerInto(Renderers renderers) {
    renderers.register(Table.class, TableHtml::bundle);
    renderers.register(Chart.class, ChartImages::bundle);
    renderers.register(java.awt.image.RenderedImage.class, Images::bundle);
    renderers.register(java.awt.image.BufferedImage.class, Images::bundle);
  }
}
