package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bitlab.hardware.TensorWorkload;
import bitlab.model.Model;
import bitlab.model.Op;
import bitlab.model.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operators without weights a cost report prices apart from the layers: which nodes they are (what runs inside a
 * layer or an Add is left out, as the integer program fuses it), and the widths their tensors are read and written at.
 */
class WeightlessOpsTest {
  /**
   * A residual block: layer b's accumulator goes into Add s (under the default placement that Add is part of b, its
   * other branch b's addend), Add t adds two quantized tensors, and each ReLU after a layer or an Add is fused.
   */
  private static Model block() {
    return Model.builder("w", Shape.image(2, 8, 8))
        .conv("a", 4, 3, 1, 1, 1, true)
        .relu("ra")
        .maxPool("p", 2, 2)
        .conv("b", 4, 3, 1, 1, 1, true)
        .node("s", new Op.Add(), List.of("b", "p"))
        .relu("rs")
        .conv("c", 4, 1, 1, 0, 1, true)
        .relu("rc")
        .node("t", new Op.Add(), List.of("rc", "rs"))
        .relu("rt")
        .globalAvgPool("g")
        .flatten("f")
        .linear("fc", 3)
        .build(3);
  }

  @Test
  void theOperatorsOutsideTheLayersAtTheirStoredWidths() {
    Model m = block();
    // the 8-bit stream set by hand (below W8A8 the default is 16 bits, the next test's case)
    List<TensorWorkload> w = new StoredWidths(m, PtqConfig.DEFAULT.withStreamBits(8))
        .weightless(Policy.uniform(m, 4, 8));
    assertEquals(
        List.of("p:MaxPool", "t:Add", "g:GlobalAvgPool"),
        w.stream().map(o -> o.name() + ":" + o.op()).toList());
    assertEquals(4, m.workloads().size(), "the layers' list is untouched");
    TensorWorkload pool = w.get(0);
    assertEquals(256, pool.elementsRead());
    assertEquals(256 * 8, pool.bitsRead());
    assertEquals(64 * 8, pool.bitsWritten(), "a MaxPool writes its input's grid");
    assertEquals(64 * 4, pool.operations(), "a 2x2 window per output");
    TensorWorkload add = w.get(1);
    assertEquals(128 * 8, add.bitsRead());
    assertEquals(64 * 8, add.bitsWritten());
    assertEquals(64, add.operations());
    TensorWorkload gap = w.get(2);
    assertEquals(64, gap.operations());
    assertEquals(4 * 8, gap.bitsWritten());
  }

  /** Under a 16-bit residual stream the Add reads and writes 16-bit tensors although every layer is at W4A4. */
  @Test
  void aWideResidualStreamIsReadAtItsWidth() {
    Model m = block();
    List<TensorWorkload> w = new StoredWidths(m, PtqConfig.DEFAULT.withStreamBits(16))
        .weightless(Policy.uniform(m, 4, 4));
    TensorWorkload add = w.get(1);
    assertEquals("t", add.name());
    assertEquals(
        128 * 16,
        add.bitsRead(),
        "both branches of the Add are the stream, not the layers' 4 bits");
    assertEquals(64 * 16, add.bitsWritten());
    assertEquals(16, add.widestBits());
  }
}
