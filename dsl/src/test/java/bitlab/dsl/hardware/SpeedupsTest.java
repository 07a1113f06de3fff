package bitlab.dsl.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import bitlab.hardware.TargetParameterException;
import bitlab.hardware.catalogue.Catalogue;
import org.junit.jupiter.api.Test;

class SpeedupsTest {
  /** On a bit-serial machine a compute-bound layer's time is proportional to w x a: the table is 64 / (w x a). */
  @Test
  void bitSerialSpeedUpIsTheProductOfTheWidths() {
    Target edge = Catalogue.builtIn().target("bismo-edge");
    LayerWorkload pw = Layers.conv("pw", 64, 64, 1, 1, 14);
    Speedups s = Speedups.of(edge, pw);
    assertEquals(1.0, s.at(8, 8), 1e-12);
    assertEquals(4.0, s.at(4, 4), 1e-9);
    assertEquals(64.0 / 6, s.at(2, 3), 1e-9);
    assertEquals(6, s.table().rowCount());
    assertEquals(7, s.table().columnCount());
    assertEquals(36, s.chart().getSeriesMap().get("speed-up").getHeatData().size());
    MimeBundle b = Renderers.standard().render(s);
    assertTrue(b.data().get(MimeBundle.HTML).contains("data:image/png;base64,"));
    assertThrows(TargetParameterException.class, () -> s.at(7, 7));
    assertThrows(TargetParameterException.class, () -> Speedups.of(edge, pw, 0));
  }
}
