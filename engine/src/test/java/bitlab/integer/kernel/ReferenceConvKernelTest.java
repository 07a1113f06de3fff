package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReferenceConvKernelTest {

  @Test
  void hand_worked_3x3_with_padding_and_zero_point() {
    // One 3x3 unsigned input with zero point 1, one 3x3 kernel of ones, padding 1: each output is
    // the
    // sum of (x - 1) over the in-bounds neighbourhood; padding adds nothing.
    ConvGeometry g = new ConvGeometry(1, 1, 3, 3, 1, 1, 1, 1, 3, 3);
    byte[] x = {1, 2, 3, 4, 5, 6, 7, 8, (byte) 200};
    byte[] w = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    int[] acc = new int[9];
    ConvKernels.reference(g, w, true, 1).accumulate(x, 1, acc);
    // top-left: (1-1)+(2-1)+(4-1)+(5-1) = 8; centre: sum of all minus 9 = 236 - 9 = 227
    assertEquals(8, acc[0]);
    assertEquals(227, acc[4]);
    // bottom-right: (5-1)+(6-1)+(8-1)+(200-1) = 215
    assertEquals(215, acc[8]);
  }

  @Test
  void depthwise_channels_do_not_mix_and_signed_input_is_signed() {
    ConvGeometry g = new ConvGeometry(2, 2, 1, 1, 1, 0, 0, 2, 1, 2);
    byte[] x = {-3, 4, 5, -6}; // channel 0: -3, 4; channel 1: 5, -6
    byte[] w = {2, -1};
    int[] acc = new int[4];
    ConvKernels.reference(g, w, false, 0).accumulate(x, 1, acc);
    assertArrayEquals(new int[] {-6, 8, -5, 6}, acc);
  }

  @Test
  void linear_is_a_dot_product_per_output_and_batches_are_independent() {
    ConvGeometry g = ConvGeometry.linear(3, 2);
    byte[] x = {1, 2, 3, -1, 0, 1};
    byte[] w = {1, 1, 1, 4, 5, 6};
    int[] acc = new int[4];
    ConvKernels.reference(g, w, false, 0).accumulate(x, 2, acc);
    assertArrayEquals(new int[] {6, 32, 0, 2}, acc);
  }

  @Test
  void wrong_weight_count_and_zero_point_are_named() {
    ConvGeometry g = ConvGeometry.linear(3, 2);
    assertThrows(
        IllegalArgumentException.class, () -> ConvKernels.reference(g, new byte[5], true, 0));
    assertThrows(
        IllegalArgumentException.class, () -> ConvKernels.reference(g, new byte[6], true, 300));
  }
}
