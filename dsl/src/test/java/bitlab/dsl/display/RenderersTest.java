package bitlab.dsl.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class RenderersTest {

  interface Shape {}

  static class Square implements Shape {
    @Override
    public String toString() {
      return "square";
    }
  }

  static class Tile extends Square {}

  @Test
  void nearestRegisteredTypeWinsAndTextIsTheFallback() {
    Renderers r = new Renderers()
        .register(Shape.class, s -> MimeBundle.html("shape", "<b>shape</b>"))
        .register(Square.class, s -> MimeBundle.html("sq", "<i>square</i>"));
    assertEquals(
        "<i>square</i>",
        r.render(new Tile()).data().get(MimeBundle.HTML),
        "superclass before interface");
    assertEquals("<b>shape</b>", r.render(new Shape() {}).data().get(MimeBundle.HTML));
    assertEquals(MimeBundle.text("12"), r.render(12));
    assertEquals(MimeBundle.text("null"), r.render(null));
    assertTrue(r.handles(Tile.class));
    assertFalse(r.handles(Integer.class));
  }

  @Test
  void javaImagesRenderAsPng() throws Exception {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(5, 3, java.awt.image.BufferedImage.TYPE_INT_RGB);
    img.setRGB(4, 2, 0xFF8000);
    MimeBundle b = Renderers.standard().render(img);
    assertEquals("BufferedImage 5x3", b.data().get(MimeBundle.TEXT));
    java.awt.image.BufferedImage back = javax.imageio.ImageIO.read(
        new java.io.ByteArrayInputStream(Base64.getDecoder().decode(b.data().get(MimeBundle.PNG))));
    assertEquals(5, back.getWidth());
    assertEquals(3, back.getHeight());
    assertEquals(0xFF8000, back.getRGB(4, 2) & 0xFFFFFF, "the pixels survive the PNG");
    java.awt.image.RenderedImage gray =
        new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    assertTrue(Renderers.standard()
            .render(new Object() {
              @Override
              public String toString() {
                return "not an image";
              }
            })
            .data()
            .size()
        == 1);
    assertTrue(Renderers.standard().render(gray).data().containsKey(MimeBundle.PNG));
  }

  @Test
  void renderableValuesRenderThemselves() {
    Renderable own = () -> MimeBundle.html("mine", "<p>mine</p>");
    assertEquals("<p>mine</p>", new Renderers().render(own).data().get(MimeBundle.HTML));
  }

  @Test
  void aFailingRendererNamesItselfAndTheValueStillShows() {
    Renderers r = new Renderers().register(Square.class, s -> {
      throw new IllegalStateException("no ink");
    });
    String text = r.render(new Square()).data().get(MimeBundle.TEXT);
    assertTrue(text.startsWith("square\n"), text);
    assertTrue(
        text.contains("the renderer registered for " + Square.class.getName()
            + " failed: IllegalStateException: no ink"),
        text);
  }

  @Test
  void theStandardRegistryHasTablesAndChartsFromTheServiceEntry() {
    assertTrue(Renderers.standard().handles(Table.class));
    assertTrue(Renderers.standard().handles(XYChart.class));
  }

  @Test
  void shortTablesShowEveryRowEscaped() {
    Table t = Table.create(
        "bits <w,a>", StringColumn.create("layer", "conv1", "fc<1>"), IntColumn.create("w", 8, 4));
    String html = TableHtml.html(t);
    assertTrue(
        html.contains(
            "<caption style=\"text-align:left;font-weight:bold\">bits &lt;w,a&gt;</caption>"),
        html);
    assertTrue(
        html.contains(
            "<td style=\"text-align:left\">fc&lt;1&gt;</td><td style=\"text-align:right\">4</td>"),
        html);
    assertTrue(html.contains("2 rows &times; 2 columns"), html);
    assertFalse(html.contains("&hellip;"));
  }

  @Test
  void longTablesShowHeadAndTailWithTheRowCount() {
    int[] v = new int[100];
    for (int i = 0; i < v.length; i++) v[i] = i;
    String html = TableHtml.html(Table.create("long", IntColumn.create("i", v)));
    List<String> shown = new ArrayList<>();
    var m = java.util.regex.Pattern.compile("<td style=\"text-align:right\">(\\d+)</td>")
        .matcher(html);
    while (m.find()) shown.add(m.group(1));
    assertEquals(
        List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "95", "96", "97", "98", "99"),
        shown);
    assertTrue(html.contains("&hellip;"));
    assertTrue(html.contains("100 rows &times; 1 column (first 10 and last 5 shown)"), html);
    assertTrue(TableHtml.bundle(Table.create("long", IntColumn.create("i", v)))
        .data()
        .get(MimeBundle.TEXT)
        .contains("long"));
  }

  @Test
  void chartsBecomePngAndSvg() {
    var chart = new CategoryChartBuilder().width(320).height(200).title("bits").build();
    chart.addSeries("w", new int[] {1, 2, 3}, new int[] {8, 4, 2});
    MimeBundle b = Renderers.standard().render(chart);
    byte[] png = Base64.getDecoder().decode(b.data().get(MimeBundle.PNG));
    assertEquals((byte) 0x89, png[0]);
    assertEquals("PNG", new String(png, 1, 3));
    assertTrue(b.data().get(MimeBundle.SVG).contains("<svg"));
    assertEquals("CategoryChart 'bits' (320x200)", b.data().get(MimeBundle.TEXT));
    assertEquals(
        "XYChart untitled (100x80)",
        ChartImages.describe(new XYChartBuilder().width(100).height(80).build()));
  }
}
