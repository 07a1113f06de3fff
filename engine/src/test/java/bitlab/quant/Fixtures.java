package bitlab.quant;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.train.TrainConfig;
import bitlab.train.Trainer;

/** Small trained models on the 8x8 digits, trained once per test JVM. */
final class Fixtures {
  private static Model cnn;

  private Fixtures() {}

  /** The digits with their validation images in the training part: these fixtures train on all 1,437. */
  static Dataset digits() {
    return Datasets.digits().withoutValidation();
  }

  /** conv-BN-ReLU, conv-BN + residual add, ReLU, max pool, two linear layers: about 95% on digits. */
  static synchronized Model trainedCnn() {
    if (cnn == null) {
      Model init = Model.builder("digits-cnn", Shape.image(1, 8, 8))
          .conv("c1", 8, 3, 1, 1, 1, false)
          .batchNorm("bn1")
          .relu("r1")
          .conv("c2", 8, 3, 1, 1, 1, false)
          .batchNorm("bn2")
          .add("add", "r1", "bn2")
          .relu("r2")
          .maxPool("pool", 2, 2)
          .flatten("flat")
          .linear("fc1", 32)
          .relu("r3")
          .linear("fc2", 10)
          .build(3);
      cnn = Trainer.train(init, digits(), TrainConfig.adam(4, 7).withLearningRate(1e-2))
          .model();
    }
    return cnn;
  }
}
