package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.model.Model;
import bitlab.model.Op;
import bitlab.model.Zoo;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where activations are quantized: at the inputs of weighted layers (residual Adds fed by accumulators) or at every node output. */
class PlacementTest {

  @Test void inputsPlacementDropsTheQuantizersOfLayersThatOnlyFeedAResidualAdd() {
    Model folded = BatchNormFolding.fold(Zoo.load("mobilenet-v2-mini"));
    Policy p = Policy.uniform(folded, 4, 4);
    Map<String, ActivationPoints.Point> outputs = ActivationPoints.of(folded, p, Placement.OUTPUTS);
    Map<String, ActivationPoints.Point> inputs = ActivationPoints.of(folded, p, Placement.INPUTS);
    long adds = folded.nodes().stream().filter(n -> n.op() instanceof Op.Add).count();
    assertEquals(3, adds);
    assertEquals(outputs.size() - adds, inputs.size(), "one point fewer per residual Add: " + inputs.keySet());
    for (String projection : new String[] {"b1.project", "b3.project", "b5.project"}) {
      assertTrue(outputs.containsKey(projection));
      assertFalse(inputs.containsKey(projection), projection + " adds its accumulator into the Add");
      assertTrue(ActivationPoints.addOf(folded, projection, ActivationPoints.readers(folded)).endsWith(".add"));
    }
    // b2.project feeds b3.expand and the residual Add: it is a weighted layer's input, so it keeps its quantizer.
    assertTrue(inputs.containsKey("b2.project"));
    assertNull(ActivationPoints.addOf(folded, "b2.project", ActivationPoints.readers(folded)));
    // The last ReLU6 is only read by the global pooling: no weighted layer reads it, so it keeps 8 bits.
    assertEquals(Placement.WIDE_BITS, inputs.get("head.relu").bits());
    assertEquals(4, outputs.get("head.relu").bits());
    assertEquals(4, inputs.get("pool").bits());
  }

  @Test void aResidualAddFedByTwoLayersTakesOneAccumulatorAndQuantizesTheOtherBranchWide() {
    Model folded = BatchNormFolding.fold(Zoo.load("resnet-mini"));
    var readers = ActivationPoints.readers(folded);
    Map<String, ActivationPoints.Point> inputs = ActivationPoints.of(folded, Policy.uniform(folded, 4, 4), Placement.INPUTS);
    int both = 0;
    for (var n : folded.nodes()) {
      if (!(n.op() instanceof Op.Add)) continue;
      String a = n.inputs().get(0), b = n.inputs().get(1);
      boolean layers = folded.node(a).quantizable() && folded.node(b).quantizable();
      if (!layers) continue;
      both++;
      assertEquals(n.name(), ActivationPoints.addOf(folded, a, readers), "the first branch's accumulator goes into " + n.name());
      assertNull(ActivationPoints.addOf(folded, b, readers));
      assertEquals(Placement.WIDE_BITS, inputs.get(b).bits(), b + " is read by the Add alone: 8 bits");
    }
    assertTrue(both > 0, "resnet-mini has downsampling shortcuts");
  }

  @Test void placementsParseAndUnknownOnesSayWhatIsAllowed() {
    assertEquals(Placement.OUTPUTS, Placement.parse(" Outputs"));
    assertEquals(Placement.INPUTS, PtqConfig.DEFAULT.placement());
    assertEquals("Activation placement 'everywhere' is not known; use 'inputs' (inputs of weighted layers, the default) "
        + "or 'outputs' (every node output).", assertThrows(QuantException.class, () -> Placement.parse("everywhere")).getMessage());
  }
}
