package bitlab.train;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Training-time augmentation: random translations, the cheapest regulariser for small image sets. */
final class Augment {
  private Augment() {}

  /**
   * Each image of {@code x [N, C, H, W]} moved by a random offset in [-max, max] on both axes; the
   * uncovered border takes the image's smallest value (its background after normalisation).
   */
  static INDArray shift(INDArray x, int max, Random rng) {
    long[] s = x.shape();
    int n = (int) s[0];
    int c = (int) s[1];
    int h = (int) s[2];
    int w = (int) s[3];
    float[] in = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
    float[] out = new float[in.length];
    int plane = h * w;
    for (int i = 0; i < n; i++) {
      int dy = rng.nextInt(2 * max + 1) - max;
      int dx = rng.nextInt(2 * max + 1) - max;
      int base = i * c * plane;
      float bg = Float.POSITIVE_INFINITY;
      for (int k = 0; k < c * plane; k++) bg = Math.min(bg, in[base + k]);
      for (int ch = 0; ch < c; ch++) {
        int o = base + ch * plane;
        for (int y = 0; y < h; y++) {
          int sy = y - dy;
          for (int xx = 0; xx < w; xx++) {
            int sx = xx - dx;
            out[o + y * w + xx] =
                (sy >= 0 && sy < h && sx >= 0 && sx < w) ? in[o + sy * w + sx] : bg;
          }
        }
      }
    }
    return Nd4j.create(out, s, 'c');
  }
}
