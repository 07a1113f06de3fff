package bitlab.dsl.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Evaluation;
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
import tech.tablesaw.api.Table;

@Tag("slow")
class BatchedEvaluationTest {
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
    net = Trainer.train(init, digits, TrainConfig.adam(2, 1).withLearningRate(1e-2))
        .model();
  }

  /** The digits with only their first {@code n} test images, to keep evaluation at batch 1 quick. */
  static Dataset firstTestImages(int n) {
    return new Dataset(
        digits.name(),
        digits.train(),
        digits.test().take(n),
        digits.normalization(),
        digits.classNames(),
        "");
  }

  static QuantizeBuilder quantize(int w, int a) {
    return QuantizeBuilder.of(net, Policy.uniform(bitlab.quant.BatchNormFolding.fold(net), w, a));
  }

  @Test
  void staticQuantizationDoesNotDependOnTheBatchButDynamicDoes() {
    Quantized st = quantize(4, 4).calibrate(digits).build();
    // Batch 1 runs the graph once per image: 60 test images keep the test quick.
    Dataset few = firstTestImages(60);
    Evaluation whole = st.evaluate(few);
    Evaluation one = BatchedEvaluation.evaluate(st, few, 1);
    Evaluation some = BatchedEvaluation.evaluate(st, few, 37);
    assertEquals(whole.correct(), one.correct());
    assertEquals(whole.correct(), some.correct());
    assertEquals(
        whole.loss(), some.loss(), 1e-3, "the same cross-entropy as the engine's evaluation");
    QuantizedModel dyn = quantize(4, 4).dynamic().build();
    double[] alone = dyn.predict(digits.test().batch(0).x()).toDoubleVector();
    double[] batched =
        dyn.predict(digits.test().batch(0, 1, 2, 3, 4, 5, 6, 7).x()).getRow(0).toDoubleVector();
    boolean differs = false;
    for (int c = 0; c < alone.length; c++) differs |= Math.abs(alone[c] - batched[c]) > 1e-6;
    assertTrue(
        differs,
        "dynamic ranges are per batch: the same image gets other logits among other images");
    assertTrue(BatchedEvaluation.evaluate(dyn, few, 1).model().endsWith("batches of 1"));
    assertThrows(QuantException.class, () -> BatchedEvaluation.evaluate(st, few, 0));
  }

  /** The batch-size study: a static model is flat across batch sizes and its table and chart have one series per model. */
  @Test
  void batchSizesTabulateEveryModelAtEverySize() {
    QuantizedModel st = quantize(4, 4).calibrate(digits).build();
    QuantizedModel dyn = quantize(4, 4).dynamic().build();
    Dataset few = firstTestImages(40);
    BatchSizes b = BatchSizes.of(few, java.util.List.of(st, dyn), 1, 8, 40);
    double[] flat = b.accuracy().get(0);
    assertEquals(flat[0], flat[1], 1e-12);
    assertEquals(flat[0], flat[2], 1e-12);
    assertEquals(
        100.0 * BatchedEvaluation.evaluate(dyn, few, 8).accuracy(), b.accuracy().get(1)[1], 1e-12);
    assertEquals(3, b.table().rowCount());
    assertEquals(3, b.table().columnCount());
    assertEquals(2, b.chart().getSeriesMap().size());
    assertThrows(QuantException.class, () -> BatchSizes.of(few, java.util.List.of(st)));
  }

  @Test
  void dynamicCostCountsEveryQuantizedActivation() {
    QuantizedModel dyn = quantize(8, 8).dynamic().build();
    Table t = QuantTables.dynamicCost(dyn);
    assertEquals(dyn.activations().size(), t.rowCount());
    assertEquals("input", t.stringColumn("tensor").get(0));
    assertEquals(64, t.longColumn("values per image").get(0), "the 8x8 input");
    assertEquals(
        8 * 8 * 8, t.longColumn("values per image").get(1), "c1's ReLU output, 8 channels of 8x8");
    assertEquals("c1", t.stringColumn("read by").get(0));
    assertTrue(
        t.name().contains(String.format("%,d activation values per image", 64 + 512)), t.name());
  }

  @Test
  void dynamicRangesAreEachBatchsLargestValueBesideTheCalibratedRange() {
    Quantized st = quantize(4, 4).calibrate(digits).build();
    Quantized dyn = quantize(4, 4).dynamic().build();
    Dataset few = firstTestImages(40);
    Table t = DynamicRanges.of(st, dyn, few, 20);
    assertEquals(st.activations().size(), t.rowCount());
    bitlab.data.Samples s = net.prepare(few).test();
    int row = 0;
    for (bitlab.quant.ActivationQuant a : st.activations().values()) {
      assertEquals(a.node(), t.stringColumn("tensor").get(row));
      assertEquals(
          a.params().scale(0) * a.spec().qmax(), t.doubleColumn("static range").get(row), 1e-6);
      // the dynamic model's largest value at this point in each batch: its quantizer maps the batch
      // maximum to qmax
      double first = dyn.pointValues(s.images(0, 20)).get(a.node()).amaxNumber().doubleValue();
      double second =
          dyn.pointValues(s.images(20, 40)).get(a.node()).amaxNumber().doubleValue();
      assertEquals(
          (first + second) / 2,
          t.doubleColumn("dynamic range, mean over batches").get(row),
          1e-5);
      assertEquals(
          Math.max(first, second), t.doubleColumn("dynamic range, largest").get(row), 1e-5);
      row++;
    }
    QuantException e = assertThrows(QuantException.class, () -> DynamicRanges.of(dyn, st, few, 20));
    assertTrue(
        e.getMessage()
            .startsWith("dynamicRanges compares a static model (first) with a dynamic one"),
        e.getMessage());
    assertThrows(
        QuantException.class,
        () -> DynamicRanges.of(quantize(8, 8).calibrate(digits).build(), dyn, few, 20));
  }
}
