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

  @Test
  void writesALutTargetThatPricesTheModelItWasMeasuredOn(@TempDir Path dir) throws Exception {
    Model net = Zoo.load("lenet5");
    MeasuredTarget m = MeasuredTarget.profile(net, 1, 3);
    Path yaml = m.write(dir, "lenet5-here");
    assertTrue(Files.exists(dir.resolve("lenet5-here.csv")));
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "only the table and the target, no temporary files");
    }
    Target t = TargetLoader.fromFile(yaml);
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
