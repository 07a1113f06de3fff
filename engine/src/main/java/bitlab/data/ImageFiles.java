package bitlab.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Images decoded from their files when they are needed (a streamed {@link Samples}): the files and
 * labels, one size and channel count, and the normalisation applied as each image is decoded. Only
 * the batch being read is in memory, so a folder of any size can be evaluated or trained on.
 */
final class ImageFiles {
  private final Path[] files;
  private final int[] labels;
  private final int channels;
  private final int height;
  private final int width;
  private final boolean resize;
  private final Normalization normalization;

  /**
   * @param resize true to resize every image to {@code height x width}; false to require that size (a file of
   *               another size is named in a {@link DataException} when it is read)
   */
  ImageFiles(
      Path[] files,
      int[] labels,
      int channels,
      int height,
      int width,
      boolean resize,
      Normalization normalization) {
    this.files = files;
    this.labels = labels;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.resize = resize;
    this.normalization = normalization;
  }

  int size() {
    return files.length;
  }

  int[] labels() {
    return labels.clone();
  }

  int[] shape() {
    return new int[] {channels, height, width};
  }

  Normalization normalization() {
    return normalization;
  }

  ImageFiles select(int[] indices) {
    Path[] f = new Path[indices.length];
    int[] l = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      f[k] = files[indices[k]];
      l[k] = labels[indices[k]];
    }
    return new ImageFiles(f, l, channels, height, width, resize, normalization);
  }

  ImageFiles withNormalization(Normalization n) {
    return new ImageFiles(files, labels, channels, height, width, resize, n);
  }

  /** {@code a}'s images followed by {@code b}'s (same size, channels and normalisation). */
  static ImageFiles concat(ImageFiles a, ImageFiles b) {
    if (!Arrays.equals(a.shape(), b.shape()) || !a.normalization.equals(b.normalization)) {
      throw new DataException(
          "Two streamed image sets of different shapes or normalisations cannot be joined.");
    }
    Path[] f = Arrays.copyOf(a.files, a.files.length + b.files.length);
    System.arraycopy(b.files, 0, f, a.files.length, b.files.length);
    int[] l = Arrays.copyOf(a.labels, a.labels.length + b.labels.length);
    System.arraycopy(b.labels, 0, l, a.labels.length, b.labels.length);
    return new ImageFiles(
        f, l, a.channels, a.height, a.width, a.resize || b.resize, a.normalization);
  }

  /** The images at {@code indices}, decoded and normalised: float32 {@code [n, C, H, W]}. */
  INDArray read(int[] indices) {
    int per = channels * height * width;
    float[] v = new float[indices.length * per];
    for (int k = 0; k < indices.length; k++) {
      Pixels p = decode(files[indices[k]], resize ? height : 0, resize ? width : 0);
      if (p.height() != height || p.width() != width) {
        throw new DataException("Image " + p.file() + " is " + p.width() + "x" + p.height()
            + " but the others are " + width + "x" + height
            + "; use Datasets.images(dir, height, width) to resize them all.");
      }
      p.planar(channels, v, k * per);
    }
    normalization.applyInPlace(v, height * width);
    return Nd4j.create(v, new long[] {indices.length, channels, height, width}, 'c');
  }

  /** One decoded image: interleaved R, G, B bytes (or grey bytes when {@code grey}). */
  record Pixels(Path file, int height, int width, boolean grey, byte[] values) {
    /** This image as {@code channels} planes of values in [0, 1] written at {@code out[at..]}: grey repeated, colour made grey. */
    void planar(int channels, float[] out, int at) {
      int plane = height * width;
      if (channels == 1 && !grey) {
        toGrey().planar(1, out, at);
        return;
      }
      for (int c = 0; c < channels; c++) {
        for (int k = 0; k < plane; k++) {
          int b = grey ? values[k] & 0xff : values[k * 3 + c] & 0xff;
          out[at + c * plane + k] = b / 255f;
        }
      }
    }

    /** Luminance as Java 2D computes it when drawing into a grey image. */
    private Pixels toGrey() {
      BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int at = (y * width + x) * 3;
          rgb.setRGB(
              x,
              y,
              ((values[at] & 0xff) << 16)
                  | ((values[at + 1] & 0xff) << 8)
                  | (values[at + 2] & 0xff));
        }
      }
      BufferedImage g = redraw(rgb, height, width, BufferedImage.TYPE_BYTE_GRAY);
      byte[] v = new byte[height * width];
      Raster r = g.getRaster();
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++) v[y * width + x] = (byte) r.getSample(x, y, 0);
      return new Pixels(file, height, width, true, v);
    }
  }

  /** Decodes a PNG or JPEG file, resized (bilinear) to {@code height x width} when both are positive. */
  static Pixels decode(Path file, int height, int width) {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new DataException(
          "File " + file + " is not a readable PNG or JPEG image: " + e.getMessage(), e);
    }
    if (img == null)
      throw new DataException("File " + file + " is not a readable PNG or JPEG image.");
    boolean grey = img.getColorModel().getNumColorComponents() == 1;
    int h = height > 0 ? height : img.getHeight();
    int w = width > 0 ? width : img.getWidth();
    if (grey) {
      BufferedImage g = img;
      if (g.getType() != BufferedImage.TYPE_BYTE_GRAY
          || h != img.getHeight()
          || w != img.getWidth()) {
        g = redraw(img, h, w, BufferedImage.TYPE_BYTE_GRAY);
      }
      Raster r = g.getRaster();
      byte[] v = new byte[h * w];
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) v[y * w + x] = (byte) r.getSample(x, y, 0);
      return new Pixels(file, h, w, true, v);
    }
    BufferedImage c = (h != img.getHeight() || w != img.getWidth())
        ? redraw(img, h, w, BufferedImage.TYPE_INT_RGB)
        : img;
    byte[] v = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = c.getRGB(x, y);
        int at = (y * w + x) * 3;
        v[at] = (byte) (rgb >> 16);
        v[at + 1] = (byte) (rgb >> 8);
        v[at + 2] = (byte) rgb;
      }
    }
    return new Pixels(file, h, w, false, v);
  }

  private static BufferedImage redraw(BufferedImage src, int h, int w, int type) {
    BufferedImage out = new BufferedImage(w, h, type);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
