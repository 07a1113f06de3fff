package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.fixtures.Zoo;
import bitlab.hardware.kind.Bismo;
import bitlab.hardware.kind.BitFusion;
import bitlab.hardware.kind.Roofline;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each kind's formula on hand-computed layers, and invariants every kind must keep. */
class KindFormulaTest {

  static final Bismo BISMO =
      new Bismo(8, 256, 8, 200e6, 2.1e9, 128 * 8192.0, 128 * 8192.0, 1, 1.0, 2.5, 20);
  static final BitFusion FUSION =
      new BitFusion(16, 32, 500e6, 192, 64 * 8192.0, 32 * 8192.0, 16 * 8192.0, 1, 0.3, 20);
  static final Roofline ROOF = new Roofline(Map.of(8, 100e9, 32, 25e9), 10e9, 1, 1.0, 10, 20);

  @Test
  void bitFusionSpeedupIsTheTwoBitGranularityFormula() {
    assertEquals(1, BitFusion.speedup(Bits.of(8, 8)));
    assertEquals(2, BitFusion.speedup(Bits.of(4, 8)));
    assertEquals(4, BitFusion.speedup(Bits.of(4, 4)));
    assertEquals(16, BitFusion.speedup(Bits.of(2, 2)));
    assertEquals(16, BitFusion.speedup(Bits.of(1, 1)), "1 bit runs on a 2-bit brick");
    assertEquals(4, BitFusion.speedup(Bits.of(3, 3)), "floor(8/3) = 2 per operand");
    assertEquals(1, BitFusion.speedup(Bits.of(5, 7)), "5..8 bits all take a whole fusion unit");
    assertEquals(0.5, BitFusion.speedup(Bits.of(16, 8)), "16 bits fuse over two cycles");
    assertEquals(1.0 / 16, BitFusion.speedup(Bits.of(32, 32)));
  }

  @Test
  void storedTensorWidthsMoveTheBitsTheyName() {
    LayerWorkload l =
        new LayerWorkload("pw", LayerWorkload.Kind.CONV, 64, 64, 1, 1, 1, 1, 10, 10, 10, 10);
    Bits b = Bits.of(4, 4);
    for (CostModel m : List.<CostModel>of(BISMO, FUSION, ROOF)) {
      LayerCost alone = m.price(0, l, b);
      assertEquals(
          alone,
          m.price(0, l, b, TensorWidths.of(b)),
          m.kind() + ": the layer's own width is the default");
      // An 8-bit stored input read by a 4-bit layer: 6,400 more input bits; an 8-bit addend of
      // 6,400 elements: 51,200 more.
      LayerCost wide = m.price(0, l, b, new TensorWidths(8, 4, 0, 0));
      assertEquals(alone.dramBytes() + 6400 * 4 / 8.0, wide.dramBytes(), 1e-6, m.kind());
      LayerCost added = m.price(0, l, b, new TensorWidths(4, 8, 6400, 8));
      assertEquals(
          alone.dramBytes() + (6400 * 4 + 6400 * 8) / 8.0, added.dramBytes(), 1e-6, m.kind());
      assertTrue(added.cost().seconds() >= alone.cost().seconds(), m.kind());
    }
  }

  @Test
  void bitFusionComputeCyclesOnAFullyUsedArray() {
    // 1x1 conv, K = 64 input channels, M = 64 output channels, N = 10x10 positions.
    LayerWorkload l =
        new LayerWorkload("pw", LayerWorkload.Kind.CONV, 64, 64, 1, 1, 1, 1, 10, 10, 10, 10);
    // W8A8: K tiles = 64/16 = 4, M tiles = 64/32 = 2, one position per cycle: 4*2*100 cycles.
    assertEquals(800 / 500e6, FUSION.price(0, l, Bits.W8A8).computeSeconds(), 1e-15);
    // W2A2: 16 products per unit widen K to 256 lanes: 1*2*100 cycles.
    assertEquals(200 / 500e6, FUSION.price(0, l, Bits.W2A2).computeSeconds(), 1e-15);
  }

  @Test
  void bismoCyclesAreTilesTimesBitPlanes() {
    // M = 16 (2 tiles of 8), K = 512 (2 tiles of 256), N = 64 (8 tiles of 8): 32 tiles.
    LayerWorkload l =
        new LayerWorkload("fc", LayerWorkload.Kind.CONV, 512, 16, 1, 1, 1, 1, 8, 8, 8, 8);
    for (int w = 1; w <= 8; w++) {
      for (int a = 1; a <= 8; a++) {
        assertEquals(
            32.0 * w * a / 200e6, BISMO.price(0, l, Bits.of(w, a)).computeSeconds(), 1e-15);
      }
    }
    // Depthwise: one product per channel, each padded to a whole tile.
    LayerWorkload dw =
        new LayerWorkload("dw", LayerWorkload.Kind.CONV, 32, 32, 3, 3, 1, 32, 16, 16, 16, 16);
    assertEquals(32 * 32 * 64 / 200e6, BISMO.price(0, dw, Bits.W8A8).computeSeconds(), 1e-15);
    assertEquals(2 * 8 * 256 * 8 * 200e6, BISMO.peakBinaryOpsPerSecond(), 1);
  }

  @Test
  void bismoMemoryTimeCountsTheBitsMoved() {
    LayerWorkload l =
        new LayerWorkload("pw", LayerWorkload.Kind.CONV, 64, 64, 1, 1, 1, 1, 10, 10, 10, 10);
    double bits = 64 * 64 * 4 + 6400 * 6 + 6400 * 6; // weights at 4 bits, inputs and outputs at 6
    assertEquals(bits / 8 / 2.1e9, BISMO.price(0, l, Bits.of(4, 6)).memorySeconds(), 1e-18);
  }

  @Test
  void rooflineSplitsLayersAtTheRidge() {
    assertEquals(10.0, ROOF.ridge(Bits.W8A8), 1e-12);
    assertEquals(2.5, ROOF.ridge(Bits.FLOAT32), 1e-12);
    // 3x3 conv 64->64 on 28x28: 28.9 M MACs over ~0.4 MB is far above the ridge.
    LayerWorkload conv =
        new LayerWorkload("c", LayerWorkload.Kind.CONV, 64, 64, 3, 3, 1, 1, 28, 28, 28, 28);
    LayerCost c = ROOF.price(0, conv, Bits.W8A8);
    assertEquals(Bound.COMPUTE, c.bound());
    assertEquals(conv.macs() / 100e9, c.computeSeconds(), 1e-15);
    // A fully connected layer at batch 1 does one MAC per weight byte: below the ridge.
    LayerCost fc = ROOF.price(0, LayerWorkload.linear("fc", 1024, 1000), Bits.W8A8);
    assertEquals(Bound.MEMORY, fc.bound());
    assertTrue(fc.boundRatio() > 5, "one MAC per byte against a ridge of 10: " + fc.boundRatio());
    // Widths below a tier run on it: 4-bit work runs at the 8-bit rate.
    assertEquals(
        ROOF.price(0, conv, Bits.W8A8).computeSeconds(),
        ROOF.price(0, conv, Bits.W4A4).computeSeconds());
    assertEquals(conv.macs() / 25e9, ROOF.price(0, conv, Bits.of(16, 8)).computeSeconds(), 1e-15);
  }

  @Test
  void fewerBitsNeverCostMoreOnAnyModelledKind() {
    List<LayerWorkload> layers = Zoo.synthetic(49);
    Random r = new Random(7);
    for (CostModel m : List.<CostModel>of(BISMO, FUSION, ROOF)) {
      for (int trial = 0; trial < 300; trial++) {
        int i = r.nextInt(layers.size());
        Bits hi = Bits.of(2 + r.nextInt(7), 2 + r.nextInt(7));
        Bits lo = r.nextBoolean()
            ? hi.withWeights(hi.weights() - 1)
            : hi.withActivations(hi.activations() - 1);
        Cost a = m.price(i, layers.get(i), hi).cost();
        Cost b = m.price(i, layers.get(i), lo).cost();
        assertTrue(
            b.seconds() <= a.seconds() && b.joules() <= a.joules(),
            m.kind() + " " + layers.get(i).name() + ": " + lo + " costs " + b + " > " + hi + " "
                + a);
      }
    }
  }

  @Test
  void noLayerBeatsItsTargetsRoof() {
    for (LayerWorkload l : Zoo.synthetic(49)) {
      for (CostModel m : List.<CostModel>of(BISMO, FUSION, ROOF)) {
        for (Bits b : List.of(Bits.W8A8, Bits.of(4, 6), Bits.W2A2, Bits.FLOAT32)) {
          LayerCost c = m.price(0, l, b);
          Roof roof = m.roof(b).orElseThrow();
          assertTrue(
              c.attainedMacsPerSecond() <= roof.attainable(c.intensity()) * (1 + 1e-9),
              m.kind() + " " + l.name() + " " + b + ": " + c.attainedMacsPerSecond() + " above "
                  + roof);
        }
      }
    }
    assertEquals(8 * 256 * 8 * 200e6 / 64, BISMO.roof(Bits.W8A8).orElseThrow().macsPerSecond(), 1);
    assertEquals(16 * 32 * 16 * 500e6, FUSION.roof(Bits.W2A2).orElseThrow().macsPerSecond(), 1);
    assertEquals(192 * 500e6 / 8, FUSION.roof(Bits.W2A2).orElseThrow().bytesPerSecond(), 1);
  }

  @Test
  void rooflineLayersSitOnTheRoof() {
    for (LayerWorkload l : Zoo.mobilenetV1(224)) {
      LayerCost c = ROOF.price(0, l, Bits.W8A8);
      assertEquals(
          ROOF.roof(Bits.W8A8).orElseThrow().attainable(c.intensity()),
          c.attainedMacsPerSecond(),
          1e-9 * c.attainedMacsPerSecond(),
          l.name());
    }
  }

  @Test
  void latencyIsTheLargerOfComputeAndMemory() {
    for (LayerWorkload l : Zoo.mobilenetV1(224)) {
      for (CostModel m : List.<CostModel>of(BISMO, FUSION, ROOF)) {
        LayerCost c = m.price(0, l, Bits.of(3, 5));
        assertEquals(Math.max(c.computeSeconds(), c.memorySeconds()), c.cost().seconds(), 0);
      }
    }
  }
}
