package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.TargetLoader;
import bitlab.model.Model;
import bitlab.model.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class MeasuredTargetTest {

  /** A dilated layer is timed as the executor runs it: its dense kernel, zeros between the taps, its own output size. */
  @Test
  void aDilatedLayerIsTimedWithTheExecutorsGeometry() {
    Model m = Model.builder("atrous", bitlab.model.Shape.image(3, 12, 10))
        .node(
            "a",
            new bitlab.model.Op.Conv2d(3, 4, 3, 3, 1, 2, 2, 1, true, 2, 2),
            java.util.List.of("input"))
        .relu("r")
        .node(
            "b",
            new bitlab.model.Op.Conv2d(4, 4, 3, 2, 2, 0, 1, 4, true, 3, 2),
            java.util.List.of("r"))
        .build(1);
    for (String layer : java.util.List.of("a", "b")) {
      var g = MeasuredTarget.geometry(m, m.node(layer));
      assertEquals(m.node(layer).shape().height(), g.outH(), layer);
      assertEquals(m.node(layer).shape().width(), g.outW(), layer);
    }
    assertEquals(5, MeasuredTarget.geometry(m, m.node("a")).kernelH());
    assertEquals(7, MeasuredTarget.geometry(m, m.node("b")).kernelH());
    assertEquals(3, MeasuredTarget.geometry(m, m.node("b")).kernelW());
    assertTrue(MeasuredTarget.profile(m, 1, 1).micros(1, 8, 8) > 0);
  }

  @Test
  void writesALutTargetThatPricesTheModelItWasMeasuredOn(@TempDir Path dir) throws Exception {
    Model net = Zoo.load("lenet5");
    MeasuredTarget m = MeasuredTarget.profile(net, 1, 3);
    Path yaml = m.write(dir, "lenet5-here");
    assertTrue(Files.exists(dir.resolve("lenet5-here.csv")));
    try (var files = Files.list(dir)) {
      assertEquals(3, files.count(), "only the two tables and the target, no temporary files");
    }
    Target t = TargetLoader.fromFile(yaml);
    // The operators without weights, as the cost models list them, each timed as its step of the
    // W8A8 program.
    var ops = new bitlab.quant.StoredWidths(net, bitlab.quant.PtqConfig.DEFAULT)
        .weightless(bitlab.quant.Policy.uniform(net, 8, 8));
    assertEquals(
        ops.stream().map(bitlab.hardware.TensorWorkload::name).toList(),
        m.operators().names());
    assertTrue(m.operators().names().size() >= 2, "LeNet-5's two poolings");
    for (double us : m.operators().micros()) assertTrue(us > 0);
    var priced = t.weightless(ops);
    assertEquals(ops.size(), priced.size());
    for (int i = 0; i < ops.size(); i++)
      assertEquals(m.operators().micros()[i] * 1e-6, priced.get(i).cost().seconds(), 1e-9);
    assertEquals("lut", t.kind());
    var cost = t.cost(net.workloads(), Collections.nCopies(net.workloads().size(), Bits.of(8, 8)));
    double want = 0;
    for (int l = 0; l < net.layers().size(); l++) want += m.micros(l, 8, 8) * 1e-6;
    assertEquals(want, cost.total().seconds(), 1e-12);
    assertTrue(cost.total().seconds() > 0);
    assertEquals(
        m.micros(0, 2, 8), m.micros(0, 1, 8), "1-bit entries repeat the 2-bit measurement");
  }

  @Test
  void refusesBadNames(@TempDir Path dir) {
    MeasuredTarget m = MeasuredTarget.profile(Zoo.load("lenet5"), 1, 1);
    assertThrows(IntegerException.class, () -> m.write(dir, "../escape"));
  }
}
