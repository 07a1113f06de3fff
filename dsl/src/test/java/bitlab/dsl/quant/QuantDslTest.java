package bitlab.dsl.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.quant.Policy;
import bitlab.quant.QuantException;
import bitlab.quant.QuantizedModel;
import bitlab.train.TrainConfig;
import bitlab.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

@Tag("slow")
class QuantDslTest {
  static Dataset digits;
  static Model net;

  @BeforeAll
  static void train() {
    digits = Datasets.digits();
    Model init = Model.builder("tiny", Shape.image(1, 8, 8))
        .conv("c1", 8, 3, 1, 1, 1, false)
        .batchNorm("bn1")
        .relu("r1")
        .maxPool("pool", 2, 2)
        .flatten("flat")
        .linear("fc", 10)
        .build(1);
    net = Trainer.train(init, digits, TrainConfig.adam(3, 1).withLearningRate(1e-2))
        .model();
  }

  // The notebook vocabulary (bitlab.dsl.Bitlab) forwards to these.
  static QuantizeBuilder quantize(Model m, int w, int a) {
    return QuantizeBuilder.of(m, Policy.uniform(bitlab.quant.BatchNormFolding.fold(m), w, a));
  }

  static QuantizeBuilder quantize(Model m, Policy p) {
    return QuantizeBuilder.of(m, p);
  }

  static Policy policy(Model m, int w, int a) {
    return Policy.uniform(bitlab.quant.BatchNormFolding.fold(m), w, a);
  }

  static Table compareQuantized(Dataset d, Model m, QuantizedModel... q) {
    return QuantTables.compare(d, m, q);
  }

  static XYChart histogram(QuantizedModel q, String name) {
    return QuantCharts.histogram(q, name);
  }

  @Test
  void theTablesShowTheEightBitStreamAndItsFourBitViews() {
    Model net = bitlab.model.Zoo.load("resnet-mini");
    QuantizedModel q = QuantizeBuilder.of(
            net, Policy.uniform(bitlab.quant.BatchNormFolding.fold(net), 8, 4))
        .calibrate(Datasets.mnist(), "minmax", 64)
        .streamBits(8)
        .build();
    Table layers = QuantTables.layers(q);
    assertTrue(
        layers.name().endsWith(q.viewCount() + " narrower views)") && q.viewCount() > 0,
        layers.name());
    assertTrue(
        layers.stringColumn("reads").asList().stream().anyMatch(r -> r.endsWith(" A8 -> A4")),
        layers.print());
    Table acts = QuantTables.activations(q);
    assertEquals(q.activations().size() + q.viewCount(), acts.rowCount());
    assertTrue(
        acts.stringColumn("tensor").asList().stream().anyMatch(t -> t.contains("@a4 (view for ")),
        acts.print());
  }

  @Test
  void aSixteenBitStreamIsChosenOnTheBuilderAndShownInTheTable() {
    Model net = bitlab.model.Zoo.load("resnet-mini");
    QuantizedModel q = QuantizeBuilder.of(
            net, Policy.uniform(bitlab.quant.BatchNormFolding.fold(net), 8, 4))
        .calibrate(Datasets.mnist(), "minmax", 64)
        .streamBits(16)
        .build();
    Table layers = QuantTables.layers(q);
    assertTrue(layers.name().contains("a 16-bit residual stream"), layers.name());
    assertTrue(
        layers.stringColumn("reads").asList().stream().anyMatch(r -> r.endsWith(" A16 -> A4")),
        layers.print());
    assertTrue(q.method().contains("16-bit residual stream"), q.method());
    bitlab.quant.QuantException e = org.junit.jupiter.api.Assertions.assertThrows(
        bitlab.quant.QuantException.class,
        () -> QuantizeBuilder.of(net, Policy.uniform(bitlab.quant.BatchNormFolding.fold(net), 8, 8))
            .streamBits(32));
    assertTrue(
        e.getMessage().startsWith("A residual stream of 32 bits is not supported"), e.getMessage());
  }

  @Test
  void theDefaultStreamBelowW8A8IsSixteenBitsAndTheTableSaysSo() {
    Model net = bitlab.model.Zoo.load("resnet-mini");
    var folded = bitlab.quant.BatchNormFolding.fold(net);
    QuantizedModel low = QuantizeBuilder.of(net, Policy.uniform(folded, 8, 4))
        .calibrate(Datasets.mnist(), "minmax", 64)
        .build();
    assertTrue(QuantTables.layers(low).name().contains("a 16-bit residual stream"));
    assertTrue(
        QuantTables.layers(low).stringColumn("reads").asList().stream()
            .anyMatch(r -> r.endsWith(" A16 -> A4")),
        QuantTables.layers(low).print());
    QuantizedModel w8a8 = QuantizeBuilder.of(net, Policy.uniform(folded, 8, 8))
        .calibrate(Datasets.mnist(), "minmax", 64)
        .build();
    assertTrue(
        QuantTables.layers(w8a8).name().contains("a 8-bit residual stream"),
        QuantTables.layers(w8a8).name());
  }

  @Test
  void builderVariantsAndTheComparisonTable() {
    QuantizedModel w8 = quantize(net, 8, 8).calibrate(digits).build();
    QuantizedModel kl =
        quantize(net, 4, 4).calibrate(digits, "kl", 200).weights("mse").build();
    QuantizedModel dyn = quantize(net, 8, 8).dynamic().build();
    assertTrue(w8.method().contains("activations minmax"));
    assertTrue(kl.method().contains("weights mse per-channel, activations kl"), kl.method());
    assertTrue(dyn.dynamic());
    Table t = compareQuantized(digits, net, w8, kl, dyn);
    assertEquals(4, t.rowCount());
    assertEquals("FP32", t.stringColumn("method").get(0));
    assertTrue(
        t.longColumn("size (bytes)").get(1) < t.longColumn("size (bytes)").get(0) / 3);
    assertEquals(
        t.longColumn("BOPs/image").get(0) / 16, t.longColumn("BOPs/image").get(1));
    assertTrue(Math.abs(t.doubleColumn("drop (points)").get(1)) < 2, t.print());
    for (int r = 0; r < t.rowCount(); r++) {
      String[] ends =
          t.stringColumn("95% interval").get(r).replaceAll("[\\[\\]]", "").split(", ");
      double lo = Double.parseDouble(ends[0]), hi = Double.parseDouble(ends[1]);
      double a = t.doubleColumn("accuracy %").get(r);
      assertTrue(lo < a && a <= hi && hi - lo < 100, "row " + r + " of\n" + t.print());
    }
  }

  @Test
  void everythingRendersWithCharts() {
    QuantizedModel q =
        quantize(net, policy(net, 4, 8)).calibrate(digits, "aciq").build();
    Renderers r = Renderers.standard();
    MimeBundle pb = r.render(q.policy());
    assertTrue(
        pb.data().get(MimeBundle.HTML).contains("data:image/png;base64,"),
        "policy renders its bar chart");
    MimeBundle qb = r.render(q);
    assertTrue(qb.data().get(MimeBundle.HTML).contains("r1"), "activation table lists tensors");
    assertTrue(!qb.data().get(MimeBundle.TEXT).contains("failed"), qb.data().get(MimeBundle.TEXT));
    XYChart h = histogram(q, "r1");
    assertTrue(h.getSeriesMap().containsKey("clipping range"));
    XYChart hw = histogram(q, "c1");
    assertTrue(hw.getSeriesMap().containsKey("narrowest channel clip"));
    assertTrue(r.render(h).data().containsKey(MimeBundle.PNG));
    QuantException e = assertThrows(QuantException.class, () -> histogram(q, "nope"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "'nope' is neither a quantized activation (input, r1) nor a layer (c1, fc)"),
        e.getMessage());
  }

  @Test
  void missingCalibrationAndBadOrderAreSentences() {
    QuantException e =
        assertThrows(QuantException.class, () -> quantize(net, 8, 8).build());
    assertEquals(
        "Static quantization needs calibration data: add .calibrate(data) (or use .dynamic()).",
        e.getMessage());
    e = assertThrows(QuantException.class, () -> quantize(net, 8, 8).learnedStep());
    assertEquals("learnedStep() refines QAT; call qat(epochs) first.", e.getMessage());
    e = assertThrows(
        QuantException.class,
        () -> quantize(
            net, new Policy("x", java.util.List.of(new bitlab.quant.LayerBits("c9", 8, 8)))));
    assertTrue(
        e.getMessage().startsWith("The policy names layer 'c9', not in model 'tiny'"),
        e.getMessage());
    e = assertThrows(QuantException.class, () -> quantize(net, 4, 8).adaRound().build());
    assertEquals(
        "AdaRound learns the rounding on calibration images: add .calibrate(data) before .build().",
        e.getMessage());
    e = assertThrows(
        QuantException.class, () -> quantize(net, 4, 8).adaRound().dynamic().build());
    assertEquals(
        "AdaRound learns the rounding on calibration images and dynamic() has none; use calibrate(data) instead of dynamic().",
        e.getMessage());
  }

  @Test
  void adaRoundFromTheBuilderAndTheCli() {
    QuantizedModel q =
        quantize(net, 3, 8).calibrate(digits, "minmax", 128).adaRound(50).build();
    assertTrue(q.method().contains("AdaRound (50 steps per layer)"), q.method());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    int code;
    try {
      System.setOut(new java.io.PrintStream(out, true));
      code = bitlab.dsl.cli.Main.run(
          "quantize",
          "lenet5",
          "--bits",
          "4/8",
          "--calib-images",
          "64",
          "--adaround",
          "--adaround-iterations",
          "20",
          "--json");
    } finally {
      System.setOut(old);
    }
    assertEquals(0, code, out.toString());
    assertTrue(out.toString().contains("AdaRound (20 steps per layer)"), out.toString());
  }

  @Test
  void cliRejectsMalformedBits() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.err;
    int code;
    try {
      System.setErr(new java.io.PrintStream(err, true));
      code = bitlab.dsl.cli.Main.run("quantize", "lenet5", "--bits", "4", "--data", "digits");
    } finally {
      System.setErr(old);
    }
    assertEquals(2, code);
    assertTrue(
        err.toString().contains("--bits takes WEIGHTS/ACTIVATIONS, e.g. 8/8 or 4/8, got '4'."),
        err.toString());
  }
}
