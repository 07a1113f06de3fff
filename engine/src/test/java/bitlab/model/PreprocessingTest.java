package bitlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.DataException;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Normalization;
import bitlab.data.Preprocessing;
import bitlab.data.Samples;
import bitlab.onnx.OnnxExport;
import bitlab.onnx.OnnxFormatException;
import bitlab.onnx.OnnxImport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The model carries its preprocessing; evaluation applies it, and a mismatch with the data is one sentence. */
class PreprocessingTest {
  private static Model tiny(int channels, int side) {
    return Model.builder("tiny", Shape.image(channels, side, side))
        .flatten("flat")
        .linear("fc", 2)
        .build(1);
  }

  /** {@code n} images of {@code c x s x s} whose pixels (in [0, 1]) are {@code (i + k) % 11 / 10}, two classes. */
  private static Dataset pixels(int n, int c, int s) {
    float[] v = new float[n * c * s * s];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (int k = 0; k < c * s * s; k++) v[i * c * s * s + k] = (i + k) % 11 / 10f;
    }
    Samples all = new Samples("toy", Nd4j.create(v, new long[] {n, c, s, s}, 'c'), labels, 2);
    return new Dataset("toy", all, all, Normalization.none(c), List.of("a", "b"), "made by hand");
  }

  /**
   * The shipped MNIST minis were trained by tools/train-zoo.sh on mnist()'s training part only, and each weight file
   * says so: the parts it trained on, the command, MNIST's constants, and a test accuracy that the file reproduces.
   */
  @Test
  void theZoosMnistModelsRecordTheirTrainingPartTheirCommandAndTheirConstants() {
    Dataset mnist = Datasets.mnist();
    for (String name : List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini")) {
      Model m = Zoo.load(name);
      assertEquals(Optional.of(new Preprocessing(Normalization.MNIST)), m.preprocessing(), name);
      assertSame(
          mnist, m.prepare(mnist), "mnist() is stored with MNIST's constants: nothing to redo");
      assertTrue(
          m.metadata()
              .get(Model.TRAINED_ON)
              .startsWith("mnist: 6,400 train / 1,600 validation / 2,000 test images"),
          name + ": " + m.metadata().get(Model.TRAINED_ON));
      assertTrue(
          m.metadata().get("command").startsWith("./bitlab train " + name + " --data mnist "),
          m.metadata().get("command"));
      double recorded = Double.parseDouble(m.metadata().get("test_accuracy"));
      assertEquals(
          recorded, m.evaluate(mnist).accuracy(), 1e-4, name + "'s recorded test accuracy");
      assertTrue(m.metadata().containsKey("validation_accuracy"), name);
      assertEquals(
          "",
          bitlab.data.Inputs.validationCaveat(name, m.metadata().get(Model.TRAINED_ON), mnist),
          "no caveat: validation unseen");
    }
  }

  @Test
  void aDeclaredNormalisationIsAppliedToTheDataAndKeptEverywhere(@TempDir Path dir)
      throws Exception {
    Model m = tiny(1, 4).normalize(0.5, 0.25);
    Dataset d = pixels(6, 1, 4);
    Dataset prepared = m.prepare(d);
    INDArray x = prepared.test().images();
    assertEquals((0.3f - 0.5f) / 0.25f, x.getFloat(1, 0, 0, 2), 1e-6);
    assertSame(prepared, m.prepare(prepared), "preparing twice changes nothing");
    // kept in weight files and in ONNX files
    Path params = dir.resolve("tiny.params.gz");
    ParamsFile.write(params, m);
    assertEquals(
        "mean=0.5;std=0.25;order=RGB", ParamsFile.read(params).metadata().get(Preprocessing.KEY));
    Path onnx = dir.resolve("tiny.onnx");
    OnnxExport.write(m, onnx);
    assertEquals(m.preprocessing(), OnnxImport.read(onnx).preprocessing());
    // and declared on an imported model
    Model imported = OnnxImport.read(onnx).normalize("none");
    assertEquals(Optional.of(new Preprocessing(Normalization.none(1))), imported.preprocessing());
  }

  @Test
  void aModelThatDeclaresNothingTakesTheDataAsItIs() {
    Model m = tiny(1, 4);
    assertEquals(Optional.empty(), m.preprocessing());
    Dataset d = pixels(6, 1, 4);
    assertSame(d, m.prepare(d));
    Model trained = m.trainedOn(d);
    assertEquals(
        Optional.of(new Preprocessing(Normalization.none(1))),
        trained.preprocessing(),
        "training records its inputs");
    assertEquals(
        "toy: 6 train / no validation / 6 test images (made by hand)",
        trained.metadata().get(Model.TRAINED_ON));
  }

  @Test
  void bgrModelsGetTheirChannelsSwapped() {
    Model m =
        tiny(3, 2).normalize(new double[] {0, 0, 0}, new double[] {1, 1, 1}).channelOrder("bgr");
    Dataset d = pixels(4, 3, 2);
    Dataset prepared = m.prepare(d);
    INDArray rgb = d.test().images();
    INDArray bgr = prepared.test().images();
    assertEquals(rgb.getFloat(2, 2, 1, 0), bgr.getFloat(2, 0, 1, 0), 1e-6);
    assertEquals(rgb.getFloat(2, 1, 1, 0), bgr.getFloat(2, 1, 1, 0), 1e-6);
    assertEquals(rgb.getFloat(2, 0, 1, 0), bgr.getFloat(2, 2, 1, 0), 1e-6);
    assertSame(prepared, m.prepare(prepared));
    // the original pixels come back from either
    assertArrayEquals(
        d.normalization().invert(rgb).data().asFloat(),
        prepared.normalization().invert(bgr).data().asFloat(),
        1e-6f);
  }

  @Test
  void mismatchesBetweenModelAndDataAreOneSentence() {
    DataException channels =
        assertThrows(DataException.class, () -> tiny(3, 4).prepare(pixels(2, 1, 4)));
    assertEquals(
        "Model 'tiny' takes 3-channel images but data set toy has 1-channel ones; use data with 3 channel(s) or a model "
            + "built for 1.",
        channels.getMessage());
    DataException size =
        assertThrows(DataException.class, () -> Zoo.load("lenet5").prepare(Datasets.digits()));
    assertEquals(
        "Model 'lenet5' takes 28x28 images but data set digits has 8x8 ones; read the images at the model's size "
            + "(images(dir, 28, 28) resizes a folder) or use a model built for 8x8 inputs.",
        size.getMessage());
    DataException wrongCount =
        assertThrows(DataException.class, () -> tiny(1, 4).normalize("imagenet"));
    assertTrue(
        wrongCount
            .getMessage()
            .contains("imagenet normalisation is for 3-channel images but the model takes 1"),
        wrongCount.getMessage());
  }

  @Test
  void dataNormalisedBeforeLoadingIsNotNormalisedTwice() {
    Dataset given = pixels(6, 1, 4).normalized(0.5, 0.25);
    // values as a reader keeps them when they are not pixels
    Dataset asGiven = new Dataset(
        "arrays", given.train(), given.test(), Normalization.asGiven(1), List.of("a", "b"), "");
    DataException twice =
        assertThrows(DataException.class, () -> tiny(1, 4).normalize("mnist").prepare(asGiven));
    assertEquals(
        "Data set arrays holds values from 0.00 to 1.00, not pixels, so they look normalised already, and model 'tiny' "
            + "normalises its inputs itself (mean [0.1307] std [0.3081]): that would normalise them twice; load the raw pixels (0..255 "
            + "or 0..1), or say how the values were made with data.normalized(mean, std).",
        twice.getMessage());
    // a model that declares nothing takes them as they are; a declared origin makes them pixels
    // again
    assertSame(asGiven, tiny(1, 4).prepare(asGiven));
    Dataset declared = asGiven.normalized(0.5, 0.25);
    Dataset prepared = tiny(1, 4).normalize("mnist").prepare(declared);
    assertEquals(
        ((0.5f * 0.25f + 0.5f) - 0.1307f) / 0.3081f,
        prepared.test().images().getFloat(5, 0, 0, 0),
        1e-5);
  }

  @Test
  void unreadablePreprocessingMetadataIsNamed(@TempDir Path dir) throws Exception {
    Model bad = tiny(1, 4).withMetadata(Preprocessing.KEY, "mean=0.5;sd=0.2");
    DataException e = assertThrows(DataException.class, bad::preprocessing);
    assertEquals(
        "Model 'tiny' has bitlab.preprocessing 'mean=0.5;sd=0.2', which cannot be read (unknown key 'sd'); expected e.g. "
            + "mean=0.485,0.456,0.406;std=0.229,0.224,0.225;order=RGB.",
        e.getMessage());
    Path onnx = dir.resolve("bad.onnx");
    OnnxExport.write(
        tiny(1, 4).withMetadata(Preprocessing.KEY, "mean=0.5,0.4,0.3;std=1,1,1"), onnx);
    OnnxFormatException f = assertThrows(OnnxFormatException.class, () -> OnnxImport.read(onnx));
    assertTrue(
        f.getMessage()
            .contains("takes 1-channel images; a normalisation for 3 channel(s) does not fit"),
        f.getMessage());
    assertFalse(Preprocessing.parse("mean=0.1;std=0.2", "x").normalization().order()
        == Normalization.ChannelOrder.BGR);
  }
}
