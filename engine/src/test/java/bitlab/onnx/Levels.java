package bitlab.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How often each pair of runtimes gives an image the same centred top-1 (the integer program, bitlab's FP32 model and
 * ONNX Runtime at each of its four optimisation levels on the same QDQ file), and how close to a tie the images are on
 * which they part. The margin of an image is the gap between the first and second centred logits of ONNX Runtime
 * without optimisations (the plain QDQ reference), in root-mean-square centred logits, the unit of the logit gap: two
 * runtimes whose logits differ by a gap {@code g} can part on images with margins up to about {@code 2g}, and on no
 * image whose margin is well above that.
 *
 * @param same    {@code same[a][b]} images on which runtimes a and b agree
 * @param margins each image's margin
 * @param parted  {@code parted[a][b]}: the largest margin of an image on which a and b part (0 when they never do)
 */
record Levels(String model, int[][] same, double[] margins, double[][] parted, int[][] top1) {
  static final List<String> RUNTIMES = List.of(
      "integer",
      "bitlab FP32",
      "ORT none",
      "ORT basic",
      "ORT extended",
      "ORT all",
      "ORT none, unclipped export");

  /** From each runtime's centred top-1 per image, ONNX Runtime's (no optimisations) logits and the centre. */
  static Levels of(
      String model, int[][] top1, double[][] reference, double[] centre, double signal) {
    int runtimes = top1.length, images = reference.length, classes = centre.length;
    double rms = Math.sqrt(signal / ((double) images * classes));
    double[] margins = new double[images];
    for (int i = 0; i < images; i++) {
      double first = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        double v = reference[i][k] - centre[k];
        if (v > first) {
          second = first;
          first = v;
        } else if (v > second) second = v;
      }
      margins[i] = (first - second) / rms;
    }
    int[][] same = new int[runtimes][runtimes];
    double[][] parted = new double[runtimes][runtimes];
    for (int a = 0; a < runtimes; a++)
      for (int b = 0; b < runtimes; b++)
        for (int i = 0; i < images; i++) {
          if (top1[a][i] == top1[b][i]) same[a][b]++;
          else parted[a][b] = Math.max(parted[a][b], margins[i]);
        }
    return new Levels(model, same, margins, parted, top1);
  }

  int images() {
    return margins.length;
  }

  /** The table of agreements (count and percentage) and, beside each, the largest margin of an image they part on. */
  String table() {
    StringBuilder t = new StringBuilder(model + ": centred top-1 agreement on " + images()
        + " images (largest margin of an image on which they part, in rms centred logits)\n");
    t.append("| |");
    for (String r : RUNTIMES) t.append(' ').append(r).append(" |");
    t.append("\n|---|").append("---|".repeat(RUNTIMES.size())).append('\n');
    for (int a = 0; a < RUNTIMES.size(); a++) {
      t.append("| ").append(RUNTIMES.get(a)).append(" |");
      for (int b = 0; b < RUNTIMES.size(); b++) {
        if (a == b) t.append(" |");
        else
          t.append(String.format(
              " %d%% (%.2f) |", Math.round(100.0 * same[a][b] / images()), parted[a][b]));
      }
      t.append('\n');
    }
    double[] sorted = margins.clone();
    Arrays.sort(sorted);
    List<String> q = new ArrayList<>();
    for (double f : new double[] {0.1, 0.25, 0.5, 0.75, 0.9})
      q.add(String.format("%.2f", sorted[(int) Math.min(sorted.length - 1, f * sorted.length)]));
    t.append("margins: 10/25/50/75/90th percentile ")
        .append(String.join(" / ", q))
        .append('\n');
    return t.toString();
  }

  /**
   * {@code [images, agreeing]}: the images whose margin exceeds {@code threshold} (rms centred logits), and on how
   * many of them the integer program's centred top-1 equals ONNX Runtime's without optimisations.
   */
  int[] agreementAbove(double threshold) {
    int n = 0, agree = 0;
    for (int i = 0; i < images(); i++) {
      if (margins[i] <= threshold) continue;
      n++;
      if (top1[0][i] == top1[2][i]) agree++;
    }
    return new int[] {n, agree};
  }
}
