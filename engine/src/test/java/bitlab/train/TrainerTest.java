package bitlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.ModelException;
import bitlab.model.Shape;
import bitlab.task.CancelledException;
import bitlab.task.Work;
import org.junit.jupiter.api.Test;

class TrainerTest {

  /** A small CNN with BatchNorm and a residual add for the 8x8 digits. */
  static Model smallNet(long seed) {
    return Model.builder("tiny", Shape.image(1, 8, 8))
        .conv("c1", 8, 3, 1, 1, 1, false).batchNorm("bn1").relu("r1")
        .conv("c2", 8, 3, 1, 1, 1, false).batchNorm("bn2").add("add", "r1", "bn2").relu("r2")
        .flatten("flat").linear("fc", 10).build(seed);
  }

  @Test
  void learnsDigitsAndKeepsBatchNormStatistics() {
    Dataset digits = Datasets.digits();
    Model init = smallNet(3);
    double before = init.evaluate(digits).accuracy();
    TrainResult r = Trainer.train(init, digits, TrainConfig.adam(6, 7).withLearningRate(1e-2));
    assertTrue(r.finalAccuracy() > 0.85, "accuracy after training: " + r.finalAccuracy());
    assertTrue(r.finalAccuracy() > before + 0.4, "before " + before + " after " + r.finalAccuracy());
    assertEquals(6, r.history().size());
    // Running statistics moved away from their initial 0 / 1.
    assertNotEquals(0.0, r.model().param("bn1.running_mean").sumNumber().doubleValue(), 1e-6);
    assertNotEquals(8.0, r.model().param("bn2.running_var").sumNumber().doubleValue(), 1e-3);
    // Evaluation in inference mode uses them: the reported accuracy is reproducible from the model alone.
    assertEquals(r.finalAccuracy(), r.model().evaluate(digits).accuracy(), 1e-12);
  }

  @Test
  void sameSeedSameWeights() {
    Dataset digits = Datasets.digits();
    TrainConfig cfg = TrainConfig.sgd(1, 11).withLearningRate(0.02);
    Model a = Trainer.train(smallNet(1), digits, cfg).model();
    Model b = Trainer.train(smallNet(1), digits, cfg).model();
    assertEquals(a.param("fc.weight"), b.param("fc.weight"));
  }

  @Test
  void interruptStopsBetweenBatches() {
    Dataset digits = Datasets.digits();
    Thread.currentThread().interrupt();
    try {
      assertThrows(CancelledException.class, () -> Trainer.train(smallNet(1), digits, TrainConfig.adam(1, 1)));
    } finally {
      Thread.interrupted();
      Work.setProgressSink(null);
    }
  }

  @Test
  void dataOfTheWrongShapeIsOneSentence() {
    ModelException e = assertThrows(ModelException.class,
        () -> Trainer.train(bitlab.model.Zoo.architecture("lenet5", 28, 1, 0), Datasets.digits(), TrainConfig.adam(1, 1)));
    assertEquals("The images of dataset 'digits/train' are 1x8x8 but model 'lenet5' expects 1x28x28; "
        + "use data of that shape or a model built for 1x8x8 inputs.", e.getMessage());
  }
}
