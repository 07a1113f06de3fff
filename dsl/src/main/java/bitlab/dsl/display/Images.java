package bitlab.dsl.display;

import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** Java images ({@code BufferedImage}, any {@code RenderedImage}) as notebook images: PNG, as other JVM kernels show them. */
public final class Images {
  private Images() {}

  /** text/plain (type and size) and image/png. */
  public static MimeBundle bundle(RenderedImage image) {
    return MimeBundle.text(describe(image))
        .with(MimeBundle.PNG, Base64.getEncoder().encodeToString(png(image)));
  }

  static String describe(RenderedImage image) {
    return image.getClass().getSimpleName() + " " + image.getWidth() + "x" + image.getHeight();
  }

  static byte[] png(RenderedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      if (!ImageIO.write(image, "png", out)) {
        // a colour model PNG cannot hold (e.g. a custom raster): draw it onto plain RGB first
        BufferedImage rgb =
            new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        rgb.createGraphics().drawRenderedImage(image, null);
        out.reset();
        ImageIO.write(rgb, "png", out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not encode the image " + describe(image) + " as PNG", e);
    }
    return out.toByteArray();
  }
}
