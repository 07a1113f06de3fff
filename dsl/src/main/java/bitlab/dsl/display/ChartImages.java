package bitlab.dsl.display;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** XChart charts as notebook images: PNG (base64, as Jupyter expects) and SVG. */
public final class ChartImages {
  private ChartImages() {}

  /** text/plain description, image/png and image/svg+xml. */
  public static MimeBundle bundle(Chart<?, ?> chart) {
    return MimeBundle.text(describe(chart))
        .with(MimeBundle.PNG, pngBase64(chart))
        .with(MimeBundle.SVG, svg(chart));
  }

  public static String describe(Chart<?, ?> chart) {
    String title = chart.getTitle() == null || chart.getTitle().isBlank()
        ? "untitled"
        : "'" + chart.getTitle() + "'";
    return chart.getClass().getSimpleName() + " " + title + " (" + chart.getWidth() + "x"
        + chart.getHeight() + ")";
  }

  public static byte[] png(Chart<?, ?> chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not encode chart " + describe(chart) + " as PNG", e);
    }
  }

  public static String pngBase64(Chart<?, ?> chart) {
    return Base64.getEncoder().encodeToString(png(chart));
  }

  public static String svg(Chart<?, ?> chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
    try {
      VectorGraphicsEncoder.saveVectorGraphic(
          chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not encode chart " + describe(chart) + " as SVG", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
