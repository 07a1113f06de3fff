package bitlab.data;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How stored values are made from pixels scaled to {@code [0, 1]}: the colour channels put in
 * {@code order} (RGB as read, or BGR), then {@code x' = (x - mean[c]) / std[c]} per channel. A data
 * set's images are stored normalised; {@link #invert} gives the RGB {@code [0, 1]} pixels back (e.g. to
 * show them), and a model's {@link Preprocessing} is one of these.
 *
 * <p>{@link #asGiven(int)} describes values that are not known to be pixels (an array whose values
 * lie outside [0, 1] and are not 0..255): a model that normalises its inputs must not get them, or
 * they would be normalised twice. {@code fromPixels} is false only there.
 */
public record Normalization(float[] mean, float[] std, boolean fromPixels, ChannelOrder order) {
  /** The order of the colour channels; images are read as RGB. Single-channel data is always RGB. */
  public enum ChannelOrder {
    RGB,
    BGR
  }

  /** MNIST's customary statistics (those of the 60,000 MNIST training images). */
  public static final Normalization MNIST = of(0.1307f, 0.3081f);

  /** CIFAR-10 per-channel (R, G, B) mean and standard deviation of its 50,000 training images. */
  public static final Normalization CIFAR10 = new Normalization(
      new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});

  /** ImageNet's customary (R, G, B) statistics, as torchvision's pretrained models expect. */
  public static final Normalization IMAGENET =
      new Normalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

  /** Pixels in [0, 1], RGB, normalised with these per-channel constants. */
  public Normalization(float[] mean, float[] std) {
    this(mean, std, true, ChannelOrder.RGB);
  }

  public Normalization {
    if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
      throw new DataException(
          "A normalisation needs one mean and one standard deviation per channel, got "
              + (mean == null ? "no" : mean.length) + " means and "
              + (std == null ? "no" : std.length) + " deviations.");
    }
    for (int c = 0; c < mean.length; c++) {
      if (!Float.isFinite(mean[c]) || !Float.isFinite(std[c]) || std[c] <= 0) {
        throw new DataException("Normalisation channel " + c + " has mean " + mean[c] + " and std "
            + std[c] + "; both must be finite and the std positive.");
      }
    }
    if (order == ChannelOrder.BGR && mean.length != 3) {
      throw new DataException("BGR order needs 3 channels, not " + mean.length + ".");
    }
    if (order == null) order = ChannelOrder.RGB;
    mean = mean.clone();
    std = std.clone();
  }

  /**
   * Per-channel mean and std from sums of values and of their squares over {@code per} values per channel (a
   * channel that does not vary gets std 1, so that it is not divided by zero).
   */
  static Normalization fromSums(double[] sum, double[] sq, long per) {
    float[] mean = new float[sum.length];
    float[] std = new float[sum.length];
    for (int c = 0; c < sum.length; c++) {
      double m = sum[c] / per;
      double s = Math.sqrt(Math.max(sq[c] / per - m * m, 0));
      mean[c] = (float) m;
      std[c] = s < 1e-6 ? 1f : (float) s;
    }
    return new Normalization(mean, std);
  }

  /** One channel. */
  public static Normalization of(float mean, float std) {
    return new Normalization(new float[] {mean}, new float[] {std});
  }

  /** The identity (mean 0, std 1) for {@code channels} channels: images stay in {@code [0, 1]}. */
  public static Normalization none(int channels) {
    float[] zero = new float[channels];
    float[] one = new float[channels];
    Arrays.fill(one, 1f);
    return new Normalization(zero, one);
  }

  /**
   * Values kept as they were read, for {@code channels} channels: not known to be pixels in [0, 1], so
   * they can be neither inverted nor normalised again.
   */
  public static Normalization asGiven(int channels) {
    Normalization n = none(channels);
    return new Normalization(n.mean, n.std, false, ChannelOrder.RGB);
  }

  /** The same constants with the channels in another order (3 channels only). */
  public Normalization withOrder(ChannelOrder o) {
    return new Normalization(mean, std, fromPixels, o);
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  public int channels() {
    return mean.length;
  }

  /** A new {@code [N, C, H, W]} array: {@code images01} (RGB pixels in [0, 1]) normalised. */
  public INDArray apply(INDArray images01) {
    return map(images01, false);
  }

  /** A new {@code [N, C, H, W]} array: normalised images turned back into RGB pixels in [0, 1]. */
  public INDArray invert(INDArray normalised) {
    return map(normalised, true);
  }

  /** Normalises {@code [N, C, plane]} RGB values in place. */
  void applyInPlace(float[] values, int plane) {
    int c = mean.length;
    if (order == ChannelOrder.BGR) swapRedAndBlue(values, plane);
    for (int i = 0; i < values.length; i++) {
      int ch = (i / plane) % c;
      values[i] = (values[i] - mean[ch]) / std[ch];
    }
  }

  private static void swapRedAndBlue(float[] v, int plane) {
    for (int base = 0; base < v.length; base += 3 * plane) {
      for (int k = 0; k < plane; k++) {
        float t = v[base + k];
        v[base + k] = v[base + 2 * plane + k];
        v[base + 2 * plane + k] = t;
      }
    }
  }

  private INDArray map(INDArray a, boolean invert) {
    if (!fromPixels) {
      throw new DataException(
          "These values were kept as given, not as pixels in [0, 1], so they cannot be "
              + (invert ? "turned back into pixels" : "normalised")
              + "; load the raw pixels (0..255 or 0..1) instead.");
    }
    if (a.rank() != 4 || a.size(1) != mean.length) {
      throw new DataException(
          "Normalisation for " + mean.length + " channel(s) needs a [N, C, H, W] array with C = "
              + mean.length + ", got shape " + Arrays.toString(a.shape()) + ".");
    }
    float[] v = a.dup('c').castTo(DataType.FLOAT).data().asFloat();
    int plane = (int) (a.size(2) * a.size(3));
    if (invert) {
      for (int i = 0; i < v.length; i++) {
        int ch = (i / plane) % mean.length;
        v[i] = v[i] * std[ch] + mean[ch];
      }
      if (order == ChannelOrder.BGR) swapRedAndBlue(v, plane);
    } else {
      applyInPlace(v, plane);
    }
    return Nd4j.create(v, a.shape(), 'c');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n
        && Arrays.equals(mean, n.mean)
        && Arrays.equals(std, n.std)
        && fromPixels == n.fromPixels
        && order == n.order;
  }

  @Override
  public int hashCode() {
    return 31
            * (31 * (31 * Arrays.hashCode(mean) + Arrays.hashCode(std))
                + Boolean.hashCode(fromPixels))
        + order.hashCode();
  }

  @Override
  public String toString() {
    if (!fromPixels) return "values as given (not known to be pixels in [0, 1])";
    return "mean " + Arrays.toString(mean) + " std " + Arrays.toString(std)
        + (order == ChannelOrder.BGR ? ", BGR" : "");
  }
}
