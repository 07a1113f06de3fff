package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Placement;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import bitlab.quant.StoredWidths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HAQ prices what a quantized model moves at the width it is stored at: on a residual network under the default
 * placement the 4-bit layers read the 8-bit residual stream, and the price differs from pricing each layer at its
 * own widths. The widths come from the graph alone and must be those of the model once quantized.
 */
class PricingPlacedTest {
  private static final Catalogue CATALOGUE = Catalogue.builtIn();

  /** W4A4 everywhere, and a mixed policy (widths 2..8 cycling over the layers). */
  private static List<List<Bits>> policies(Model m) {
    int n = m.layers().size();
    List<Bits> low = new ArrayList<>(), mixed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      low.add(new Bits(4, 4));
      mixed.add(new Bits(2 + (i * 3) % 7, 2 + (i * 5) % 7));
    }
    return List.of(low, mixed);
  }

  @Test
  void widthsFromTheGraphAreThoseOfTheQuantizedModel() {
    for (String name : List.of("resnet-mini", "mobilenet-v2-mini")) {
      Model m = Zoo.load(name);
      Dataset d = m.prepare(Datasets.mnist());
      StoredWidths widths = new StoredWidths(m, PtqConfig.DEFAULT);
      for (List<Bits> bits : policies(m)) {
        QuantizedModel q =
            Quantizer.ptq(m, Policy.of(m, bits), d.calibration(16), PtqConfig.DEFAULT);
        assertEquals(q.tensorWidths(), widths.of(Policy.of(m, bits)), name + " " + bits);
      }
    }
  }

  @Test
  void aResidualModelIsPricedAtTheWidthsItsTensorsAreStoredAt() {
    Model m = Zoo.load("resnet-mini");
    Dataset d = m.prepare(Datasets.mnist());
    Target edge = CATALOGUE.target("bismo-edge");
    Pricing placed = Pricing.of(m, edge, PtqConfig.DEFAULT);
    Pricing own = Pricing.of(m.workloads(), edge);
    assertEquals(Placement.INPUTS, placed.placement());
    for (List<Bits> bits : policies(m)) {
      QuantizedModel q = Quantizer.ptq(m, Policy.of(m, bits), d.calibration(16), PtqConfig.DEFAULT);
      var asPlaced = edge.cost(q.folded().workloads(), bits, q.tensorWidths()).total();
      assertEquals(
          asPlaced.joules(), placed.cost(Resource.ENERGY, bits), 1e-12 * asPlaced.joules());
      assertEquals(
          asPlaced.seconds(), placed.cost(Resource.LATENCY, bits), 1e-12 * asPlaced.seconds());
      // Size counts weights only: the placement does not change it.
      assertEquals(own.cost(Resource.SIZE, bits), placed.cost(Resource.SIZE, bits));
    }
    // At W4A4 the residual stream stays at 8 bits and every block's second convolution also reads
    // the other branch:
    // more traffic, more energy, than pricing each layer at its own 4 bits.
    List<Bits> w4a4 = policies(m).get(0);
    double stored = placed.cost(Resource.ENERGY, w4a4), alone = own.cost(Resource.ENERGY, w4a4);
    System.out.printf(
        "resnet-mini W4A4 on bismo-edge: %.4g J as stored, %.4g J at own widths%n", stored, alone);
    assertTrue(stored > alone * 1.001, stored + " J as stored against " + alone + " J alone");
  }
}
