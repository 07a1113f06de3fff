package bitlab.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a model does to pixels before its first layer: per-channel mean and standard deviation (in
 * units of pixels scaled to [0, 1], torchvision's convention: divide 0..255 constants by 255) and the
 * order of its colour channels. A model carries it in its metadata under {@link #KEY}, written as
 * {@code mean=0.485,0.456,0.406;std=0.229,0.224,0.225;order=RGB}, so that it survives weight files
 * and ONNX export and import (an ONNX file's {@code metadata_props} entry with that key declares it).
 * The input size is the model's input shape.
 *
 * <p>{@link Inputs#prepare} brings a data set to what the model declares, or names the mismatch.
 */
public record Preprocessing(Normalization normalization) {
  /** The metadata key (a model's metadata, an ONNX file's {@code metadata_props}). */
  public static final String KEY = "bitlab.preprocessing";

  public Preprocessing {
    if (normalization == null || !normalization.fromPixels()) {
      throw new DataException(
          "A model's preprocessing needs a mean and a standard deviation per channel, for pixels in [0, 1].");
    }
  }

  /** Per-channel mean and std for pixels in [0, 1], channels in RGB order. */
  public static Preprocessing of(float[] mean, float[] std) {
    return new Preprocessing(new Normalization(mean, std));
  }

  /** The same statistics in every one of {@code channels} channels. */
  public static Preprocessing of(int channels, float mean, float std) {
    float[] m = new float[channels];
    float[] s = new float[channels];
    Arrays.fill(m, mean);
    Arrays.fill(s, std);
    return of(m, s);
  }

  /**
   * A named set of constants: {@code mnist} (0.1307, 0.3081), {@code cifar10}, {@code imagenet} (torchvision's),
   * or {@code none} (pixels in [0, 1] as they are), for a model with {@code channels} input channels.
   */
  public static Preprocessing named(String name, int channels) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    Normalization norm = switch (n) {
      case "mnist" -> Normalization.MNIST;
      case "cifar10", "cifar-10" -> Normalization.CIFAR10;
      case "imagenet" -> Normalization.IMAGENET;
      case "none", "pixels" -> Normalization.none(channels);
      default ->
        throw new DataException(
            "Normalisation '" + name + "' is not known; use mnist, cifar10, imagenet or none, "
                + "or give the constants: normalize(mean, std).");
    };
    if (norm.channels() != channels) {
      throw new DataException("The " + n + " normalisation is for " + norm.channels()
          + "-channel images but the model takes " + channels
          + " channel(s); give its constants with normalize(mean, std).");
    }
    return new Preprocessing(norm);
  }

  /** The same constants with the colour channels in another order (RGB or BGR; 3 channels only). */
  public Preprocessing withOrder(Normalization.ChannelOrder o) {
    return new Preprocessing(normalization.withOrder(o));
  }

  public Normalization.ChannelOrder order() {
    return normalization.order();
  }

  public int channels() {
    return normalization.channels();
  }

  /** The metadata form, e.g. {@code mean=0.1307;std=0.3081;order=RGB}. */
  public String format() {
    return "mean=" + join(normalization.mean()) + ";std=" + join(normalization.std()) + ";order="
        + order();
  }

  private static String join(float[] v) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : ",").append(v[i]);
    return b.toString();
  }

  /** Reads the metadata form; {@code where} names the model or file in the one-sentence error. */
  public static Preprocessing parse(String text, String where) {
    float[] mean = null;
    float[] std = null;
    Normalization.ChannelOrder order = Normalization.ChannelOrder.RGB;
    String expected = "; expected e.g. mean=0.485,0.456,0.406;std=0.229,0.224,0.225;order=RGB";
    for (String part : text.split(";")) {
      if (part.isBlank()) continue;
      int eq = part.indexOf('=');
      String key = eq < 0 ? part.trim() : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : part.substring(eq + 1).trim();
      try {
        switch (key) {
          case "mean" -> mean = floats(value);
          case "std" -> std = floats(value);
          case "order" ->
            order = Normalization.ChannelOrder.valueOf(value.toUpperCase(Locale.ROOT));
          default -> throw new IllegalArgumentException("unknown key '" + key + "'");
        }
      } catch (IllegalArgumentException e) {
        throw new DataException(where + " has " + KEY + " '" + text + "', which cannot be read ("
            + e.getMessage() + ")" + expected + ".");
      }
    }
    if (mean == null || std == null) {
      throw new DataException(where + " has " + KEY + " '" + text + "' without "
          + (mean == null ? "a mean" : "a std") + expected + ".");
    }
    try {
      return new Preprocessing(new Normalization(mean, std, true, order));
    } catch (DataException e) {
      throw new DataException(where + " has " + KEY + " '" + text + "': " + e.getMessage(), e);
    }
  }

  private static float[] floats(String csv) {
    String[] parts = csv.split(",");
    float[] v = new float[parts.length];
    for (int i = 0; i < parts.length; i++) v[i] = Float.parseFloat(parts[i].trim());
    return v;
  }

  @Override
  public String toString() {
    return "mean " + Arrays.toString(normalization.mean()) + " std "
        + Arrays.toString(normalization.std()) + (channels() == 3 ? ", " + order() : "");
  }
}
