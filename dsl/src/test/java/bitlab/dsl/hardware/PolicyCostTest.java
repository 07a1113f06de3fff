package bitlab.dsl.hardware;

import static bitlab.dsl.Bitlab.bits;
import static bitlab.dsl.Bitlab.compare;
import static bitlab.dsl.Bitlab.cost;
import static bitlab.dsl.Bitlab.hardware;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.quant.LayerBits;
import bitlab.quant.Policy;
import bitlab.quant.QuantException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyCostTest {

  @Test
  void aUniformPolicyCostsWhatItsBitsCost() {
    Model net = Fixtures.mobilenetV1();
    Target edge = hardware("bismo-edge");
    CostReport p = cost(edge, net, Policy.uniform(net, 4, 8));
    CostReport b = cost(edge, net, bits(4, 8));
    assertEquals(b.total(), p.total());
    assertEquals("W4A8", p.label());
  }

  @Test
  void everyFormOfOnePolicyCostsTheSame() {
    Model net =
        bitlab.model.Zoo.load("resnet-mini"); // BatchNorms: a policy names the folded layers
    Target edge = hardware("bismo-edge");
    CostReport typed = cost(edge, net, bitlab.dsl.Bitlab.W4A8);
    assertEquals(typed.total(), cost(edge, net, "W4A8").total());
    assertEquals(
        typed.total(), cost(edge, net, bitlab.dsl.Bitlab.policy(net, Bits.W4A8)).total());
    List<Bits> raw = Collections.nCopies(net.workloads().size(), Bits.W4A8);
    assertEquals(
        typed.total(), cost(edge, net, bitlab.dsl.Bitlab.policy(net, raw)).total());
    assertEquals(
        bitlab.dsl.Bitlab.bops(net, bitlab.dsl.Bitlab.policy(net, raw)),
        bitlab.dsl.Bitlab.bops(net, bitlab.dsl.Bitlab.policy(net, Bits.W4A8)));
    assertEquals(typed.bops(), bitlab.dsl.Bitlab.bops(net, Bits.W4A8));
    assertEquals(
        compare(edge, net, Bits.W8A8, Bits.W4A8).latencyRatio(),
        compare(edge, net, "W8A8", "4/8").latencyRatio());
    assertEquals(
        compare(edge, net, Bits.W8A8, Bits.W4A8).latencyRatio(),
        compare(
                edge,
                net,
                bitlab.dsl.Bitlab.policy(net, Bits.W8A8),
                bitlab.dsl.Bitlab.policy(net, Bits.W4A8))
            .latencyRatio());
    assertEquals("W4A8", Bits.W4A8.toString());
    assertEquals(Bits.of(2, 8), Bits.W2A8);
  }

  @Test
  void layersAreMatchedByNameNotByPosition() {
    Model net = Fixtures.mobilenetV1();
    Target cloud = hardware("bismo-cloud");
    List<LayerBits> layers = new ArrayList<>();
    List<Bits> expected = new ArrayList<>();
    for (LayerWorkload w : net.workloads()) {
      Bits b = w.depthwise() ? Bits.of(8, 4) : Bits.of(4, 6);
      layers.add(new LayerBits(w.name(), b.weights(), b.activations()));
      expected.add(b);
    }
    Collections.reverse(layers);
    CostReport r = cost(cloud, net, new Policy(net.name(), layers));
    assertEquals(expected, r.policy());
    assertEquals(cloud.cost(net.workloads(), expected).total(), r.total());
    assertTrue(compare(cloud, net, Policy.uniform(net, 8, 8), new Policy(net.name(), layers))
            .latencyRatio()
        > 1);
  }

  @Test
  void aQuantizedModelIsPricedWithTheWidthsItsPlacementStores() {
    Model net = bitlab.model.Zoo.load("resnet-mini");
    Model folded = bitlab.quant.BatchNormFolding.fold(net);
    Policy w8a4 = Policy.uniform(folded, 8, 4);
    bitlab.quant.QuantizedModel q = bitlab.quant.Quantizer.ptq(
        net, w8a4, bitlab.data.Datasets.mnist().train().take(32), bitlab.quant.PtqConfig.DEFAULT);
    Target edge = hardware("bismo-edge");
    CostReport placed = cost(edge, q), alone = cost(edge, folded, w8a4);
    assertEquals(alone.policy(), placed.policy());
    assertEquals("W8A4 as placed", placed.label());
    // The 8-bit residual stream, the Adds' second branches and int32 logits move more than every
    // tensor at 4 bits.
    double placedBytes =
        placed.cost().layers().stream().mapToDouble(l -> l.dramBytes()).sum();
    double aloneBytes =
        alone.cost().layers().stream().mapToDouble(l -> l.dramBytes()).sum();
    assertTrue(placedBytes > aloneBytes, placedBytes + " vs " + aloneBytes);
  }

  @Test
  void aPolicyForAnotherModelIsRefusedWithThePoliciesSentence() {
    Model net = Fixtures.mobilenetV1();
    Policy lenet = new Policy("lenet5", List.of(new LayerBits("conv1", 4, 4)));
    QuantException e =
        assertThrows(QuantException.class, () -> cost(hardware("bitfusion"), net, lenet));
    assertTrue(
        e.getMessage().startsWith("The policy names layer 'conv1', not in model 'mobilenet-v1'"),
        e.getMessage());
  }
}
