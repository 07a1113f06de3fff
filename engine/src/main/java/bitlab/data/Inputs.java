package bitlab.data;

import java.util.Locale;

/**
 * Where a model meets a data set. Every entry point that takes a whole {@link Dataset} (evaluation,
 * training, calibration, the searches) passes it through {@link #prepare} first: the image shape is
 * checked against the model's input, and the values are brought to the model's {@link Preprocessing}
 * (renormalised, colour channels reordered). Entry points that take {@link Samples} expect values
 * already prepared.
 */
public final class Inputs {
  private Inputs() {}

  /**
   * {@code data} as the model takes it, or a one-sentence {@link DataException} naming the mismatch.
   *
   * @param declared what the model declares, or null: then the data set's own normalisation is used as it is
   * @param model    the model's name, for messages
   */
  public static Dataset prepare(
      Dataset data, Preprocessing declared, String model, int channels, int height, int width) {
    int[] s = data.shape();
    if (s[0] != channels) {
      throw new DataException(String.format(
          Locale.ROOT,
          "Model '%s' takes %d-channel images but data set %s has %d-channel "
              + "ones; use data with %d channel(s) or a model built for %d.",
          model,
          channels,
          data.name(),
          s[0],
          channels,
          s[0]));
    }
    if (s[1] != height || s[2] != width) {
      throw new DataException(String.format(
          Locale.ROOT,
          "Model '%s' takes %dx%d images but data set %s has %dx%d ones; read the "
              + "images at the model's size (images(dir, %d, %d) resizes a folder) or use a model built for %dx%d inputs.",
          model,
          height,
          width,
          data.name(),
          s[1],
          s[2],
          height,
          width,
          s[1],
          s[2]));
    }
    if (declared == null || declared.normalization().equals(data.normalization())) return data;
    if (declared.channels() != channels) {
      throw new DataException("Model '" + model + "' takes " + channels
          + "-channel images but declares a normalisation for " + declared.channels()
          + " channel(s); declare one per input channel with normalize(mean, std).");
    }
    if (!data.normalization().fromPixels()) {
      float[] range = range(data.train());
      throw new DataException(String.format(
          Locale.ROOT,
          "Data set %s holds values from %.3g to %.3g, not pixels, so they look "
              + "normalised already, and model '%s' normalises its inputs itself (%s): that would normalise them twice; load the "
              + "raw pixels (0..255 or 0..1), or say how the values were made with data.normalized(mean, std).",
          data.name(),
          range[0],
          range[1],
          model,
          declared));
    }
    return data.withNormalization(declared.normalization());
  }

  /**
   * One sentence if weights trained on {@code trainedOn} (a data set's provenance line, as a model records it) may have
   * seen {@code data}'s validation images, so that validation accuracies would flatter the model; otherwise "".
   */
  public static String validationCaveat(String model, String trainedOn, Dataset data) {
    if (trainedOn == null || !trainedOn.startsWith(data.name() + ":")) return "";
    if (!trainedOn.contains("/ no validation /"))
      return ""; // trained with the validation part joined back in
    return "the weights of '" + model + "' were trained on " + trainedOn
        + ", so validation accuracies may overstate what " + "unseen images give";
  }

  private static float[] range(Samples s) {
    return new float[] {
      s.images().minNumber().floatValue(), s.images().maxNumber().floatValue()
    };
  }
}
