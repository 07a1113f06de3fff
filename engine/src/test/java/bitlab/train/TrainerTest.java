package bitlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.task.CancelledException;
import bitlab.task.Work;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("slow")
class TrainerTest {

  /** A small CNN with BatchNorm and a residual add for the 8x8 digits. */
  static Model smallNet(long seed) {
    return Model.builder("tiny", Shape.image(1, 8, 8))
        .conv("c1", 8, 3, 1, 1, 1, false)
        .batchNorm("bn1")
        .relu("r1")
        .conv("c2", 8, 3, 1, 1, 1, false)
        .batchNorm("bn2")
        .add("add", "r1", "bn2")
        .relu("r2")
        .flatten("flat")
        .linear("fc", 10)
        .build(seed);
  }

  @Test
  void learnsDigitsAndKeepsBatchNormStatistics() {
    Dataset digits = Datasets.digits();
    Model init = smallNet(3);
    double before = init.evaluate(digits).accuracy();
    TrainResult r = Trainer.train(init, digits, TrainConfig.adam(6, 7).withLearningRate(1e-2));
    assertTrue(r.finalAccuracy() > 0.85, "accuracy after training: " + r.finalAccuracy());
    assertTrue(
        r.finalAccuracy() > before + 0.4, "before " + before + " after " + r.finalAccuracy());
    assertEquals(6, r.history().size());
    // Running statistics moved away from their initial 0 / 1.
    assertNotEquals(0.0, r.model().param("bn1.running_mean").sumNumber().doubleValue(), 1e-6);
    assertNotEquals(8.0, r.model().param("bn2.running_var").sumNumber().doubleValue(), 1e-3);
    // Evaluation in inference mode uses them: the reported accuracies are reproducible from the
    // model alone. Epochs are
    // scored on the validation part; the test part only once, for the final model.
    assertEquals("validation", r.scoredOn());
    assertEquals(
        r.finalAccuracy(),
        bitlab.model.Inference.evaluate(r.model(), digits.validation()).accuracy(),
        1e-12);
    assertEquals(r.testAccuracy(), r.model().evaluate(digits).accuracy(), 1e-12);
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
      assertThrows(
          CancelledException.class,
          () -> Trainer.train(smallNet(1), digits, TrainConfig.adam(1, 1)));
    } finally {
      Thread.interrupted();
      Work.setProgressSink(null);
    }
  }

  /** A loss that is not a number stops training with a sentence naming the epoch and batch; the model keeps the last good weights. */
  @Test
  void aNonFiniteLossStopsTrainingAndKeepsTheLastGoodWeights() {
    Dataset digits = Datasets.digits();
    Model init = smallNet(1);
    TrainResult r = Trainer.train(init, digits, TrainConfig.sgd(3, 1).withLearningRate(1e12));
    assertTrue(
        r.stopped() != null
            && r.stopped()
                .matches(
                    "Training of tiny stopped at epoch 1, batch \\d+ of 18: the loss became (NaN|infinite); "
                        + "the model keeps the weights of before training\\. Lower the learning rate \\(it was 1\\.0E12\\) or check the data for extreme values\\."),
        String.valueOf(r.stopped()));
    assertEquals(init, r.model(), "the weights before the first epoch");
    assertTrue(r.history().isEmpty());
  }

  /** An interrupt in the middle of an epoch stops training between two batches (each takes milliseconds). */
  @Test
  void anInterruptMidEpochStopsPromptly() throws Exception {
    Dataset mnist = Datasets.mnist();
    Model init = bitlab.model.Zoo.architecture("resnet-mini", 28, 1.0, 1);
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger batches =
        new java.util.concurrent.atomic.AtomicInteger();
    Thread t = new Thread(() -> {
      Work.setProgressSink(line -> batches.incrementAndGet());
      try {
        Trainer.train(init, mnist, TrainConfig.adam(1, 1));
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.start();
    while (batches.get() < 2 && t.isAlive()) Thread.sleep(10);
    long t0 = System.nanoTime();
    t.interrupt();
    t.join(10_000);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("training stopped %.3f s after the interrupt%n", seconds);
    assertTrue(thrown.get() instanceof CancelledException, String.valueOf(thrown.get()));
    assertTrue(seconds < 3, "stopped after " + seconds + " s");
  }

  @Test
  void dataOfTheWrongShapeIsOneSentence() {
    bitlab.data.DataException e = assertThrows(
        bitlab.data.DataException.class,
        () -> Trainer.train(
            bitlab.model.Zoo.architecture("lenet5", 28, 1, 0),
            Datasets.digits(),
            TrainConfig.adam(1, 1)));
    assertEquals(
        "Model 'lenet5' takes 28x28 images but data set digits has 8x8 ones; read the images at the model's size "
            + "(images(dir, 28, 28) resizes a folder) or use a model built for 8x8 inputs.",
        e.getMessage());
  }
}
