package bitlab.dsl.mixed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.BitlabException;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.dsl.Bitlab;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.quant.QuantizeBuilder;
import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.quant.Policy;
import bitlab.quant.QuantException;
import bitlab.train.TrainConfig;
import bitlab.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

@Tag("slow")
class MixedPrecisionTest {
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

  @Test
  void sensitivityQuantizesOneLayerAtATime() {
    Sensitivity s = Bitlab.sensitivity(net, digits, Bitlab.bits(2, 32));
    assertEquals(
        List.of("c1", "fc"), s.rows().stream().map(Sensitivity.Row::layer).toList());
    assertEquals(net.evaluate(digits).accuracy(), s.fp32Accuracy(), 1e-12);
    // the row of fc is the model with fc alone at W2 and c1 in float
    Policy onlyFc = Bitlab.policy(net, 32, 32).with("fc", 2, 32);
    double direct = QuantizeBuilder.of(net, onlyFc)
        .calibrate(digits, "minmax", Sensitivity.CALIBRATION)
        .build()
        .evaluate(digits)
        .accuracy();
    assertEquals(direct, s.row("fc").accuracy(), 1e-12);
    assertEquals(100 * (s.fp32Accuracy() - direct), s.drop("fc"), 1e-9);
    assertTrue(s.drop(s.ranking().get(0)) >= s.drop(s.ranking().get(1)));
    assertEquals(72, s.row("c1").weights());
    assertEquals(8L * 9 * 64, s.row("c1").macs());
    Table t = s.table();
    assertEquals(2, t.rowCount());
    assertEquals(100.0, t.doubleColumn("weights %").sum(), 0.11);
    // the interval is Wilson's for the row's accuracy on every test image
    int images = digits.test().size();
    assertEquals(images, s.images());
    double[] w = bitlab.model.Evaluation.interval95((int) Math.round(direct * images), images);
    assertEquals(
        String.format(java.util.Locale.ROOT, "[%.2f, %.2f]", 100 * w[0], 100 * w[1]),
        t.stringColumn("95% interval").get(1));
    MimeBundle b = s.render();
    assertTrue(b.data().containsKey(MimeBundle.PNG));
    assertTrue(b.data().get(MimeBundle.HTML).contains("drop (points)"));
    // at 8 bits no single layer costs much
    Sensitivity eight = Bitlab.sensitivity(net, digits, Bitlab.bits(8, 32));
    for (Sensitivity.Row r : eight.rows()) assertTrue(eight.drop(r.layer()) < 2, eight.summary());
  }

  @Test
  void sensitivityMistakesAreSentences() {
    QuantException e = assertThrows(
        QuantException.class, () -> Bitlab.sensitivity(net, digits, Bitlab.bits(32, 32)));
    assertTrue(
        e.getMessage().startsWith("sensitivity(...) needs bits that quantize something"),
        e.getMessage());
    Sensitivity s = new Sensitivity(
        "tiny",
        Bits.of(2, 32),
        0.9,
        List.of(new Sensitivity.Row("c1", "conv 3x3", 72, 100, 0.5)),
        512,
        100);
    e = assertThrows(QuantException.class, () -> s.row("c9"));
    assertEquals(
        "Layer 'c9' is not in this sensitivity study of tiny; its layers are c1.", e.getMessage());
  }

  @Test
  void tradeoffsPutPoliciesSideBySide() {
    Target edge = Bitlab.hardware("bismo-edge");
    Tradeoffs t = Bitlab.tradeoffs(net, digits, edge)
        .add("W8A8", Bitlab.policy(net, 8, 8))
        .add("W4A4", Bitlab.policy(net, 4, 4))
        .add("fc at W2", Bitlab.policy(net, 8, 8).with("fc", 2, 8));
    assertEquals(3, t.rows().size());
    assertEquals(4 * t.row("W4A4").bops(), t.row("W8A8").bops());
    assertTrue(
        t.row("W4A4").millisPerImage().get(0) < t.row("W8A8").millisPerImage().get(0));
    assertTrue(t.row("fc at W2").sizeBytes() < t.row("W8A8").sizeBytes());
    assertTrue(t.row("W8A8").accuracy() > 0.8, "W8A8 keeps the tiny net's accuracy");
    Table tab = t.table();
    assertEquals(
        List.of(
            "policy",
            "bits",
            "accuracy %",
            "size (bytes)",
            "MBOPs/image",
            "bismo-edge ms/image",
            "95% interval"),
        tab.columnNames());
    assertEquals(
        bitlab.model.Evaluation.interval95Text(
            t.row("W4A4").accuracy(), digits.test().size()),
        tab.stringColumn("95% interval").get(1));
    assertEquals(
        100.0,
        t.chart().getSeriesMap().get("BOPs").getYData().iterator().next().doubleValue(),
        1e-9);
    assertTrue(t.render().data().containsKey(MimeBundle.PNG));
    QuantException e =
        assertThrows(QuantException.class, () -> t.add("W8A8", Bitlab.policy(net, 8, 8)));
    assertEquals(
        "tradeoffs(...) already has a policy named 'W8A8'; give each a different name.",
        e.getMessage());
    e = assertThrows(QuantException.class, () -> t.row("W3A3"));
    assertEquals(
        "tradeoffs(...) has no policy named 'W3A3'; it has W8A8, W4A4, fc at W2.", e.getMessage());
  }

  @Test
  void proxiesCountPairsTheProxyOrdersWrongly() {
    // one compute-bound layer on a bit-serial array: latency is proportional to w x a, so BOPs
    // never disagree
    Target edge = Bitlab.hardware("bismo-edge");
    ProxyStudy one = ProxyStudy.sample(
        edge, "pw", List.of(Bitlab.convLayer("pw", 256, 256, 1, 1, 14)), 60, 3, 2, 8);
    assertTrue(one.points().stream().allMatch(p -> p.policy().size() == 1));
    assertEquals(0.0, one.bopsDisagreement(), 1e-12);
    // one large linear layer on a roofline machine is memory-bound on its weights: size orders it,
    // BOPs do not
    Target cpu = Bitlab.hardware("roofline-cpu");
    ProxyStudy fc =
        ProxyStudy.sample(cpu, "fc", List.of(Bitlab.linearLayer("fc", 1000, 1000)), 60, 3, 2, 8);
    assertEquals(0.0, fc.sizeDisagreement(), 1e-12);
    assertTrue(fc.bopsDisagreement() > 0.1, fc.summary());
    // seeded
    ProxyStudy a = Bitlab.proxies(edge, net, 20, 7);
    ProxyStudy b = Bitlab.proxies(edge, net, 20, 7);
    assertEquals(a.points(), b.points());
    assertNotEquals(a.points(), Bitlab.proxies(edge, net, 20, 8).points());
    assertTrue(a.render().data().get(MimeBundle.HTML).contains("latency against size"));
    BitlabException e = assertThrows(BitlabException.class, () -> Bitlab.proxies(edge, net, 1, 1));
    assertEquals(
        "A proxy study compares pairs of policies: sample at least 2, got 1.", e.getMessage());
  }
}
