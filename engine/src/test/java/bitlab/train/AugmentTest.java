package bitlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AugmentTest {

  @Test
  void aShiftMovesEveryPixelByOneOffsetAndFillsWithBackground() {
    for (int seed = 0; seed < 20; seed++) {
      INDArray x = Nd4j.zeros(DataType.FLOAT, 1, 1, 9, 9).subi(0.5);
      x.putScalar(new long[] {0, 0, 4, 4}, 3f);
      x.putScalar(new long[] {0, 0, 4, 5}, 2f);
      INDArray y = Augment.shift(x, 2, new Random(seed));
      int[] at = null;
      int bright = 0;
      for (int r = 0; r < 9; r++) {
        for (int c = 0; c < 9; c++) {
          float v = y.getFloat(0, 0, r, c);
          if (v == 3f) at = new int[] {r, c};
          if (v > 0) bright++;
          else assertEquals(-0.5f, v, 0f);
        }
      }
      assertEquals(2, bright, "seed " + seed);
      assertEquals(2f, y.getFloat(0, 0, at[0], at[1] + 1), 0f);
      assertEquals(true, Math.abs(at[0] - 4) <= 2 && Math.abs(at[1] - 4) <= 2);
    }
  }
}
