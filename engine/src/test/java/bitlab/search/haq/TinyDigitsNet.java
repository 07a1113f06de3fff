package bitlab.search.haq;

import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.train.TrainConfig;
import bitlab.train.Trainer;

/** The small conv net the HAQ tests search, trained once on the digits and shared by every test in the run. */
final class TinyDigitsNet {
  private static Model trained;

  private TinyDigitsNet() {}

  static synchronized Model trained() {
    if (trained == null) {
      Model init = Model.builder("tiny", Shape.image(1, 8, 8))
          .conv("c1", 8, 3, 1, 1, 1, false)
          .batchNorm("bn1")
          .relu("r1")
          .conv("c2", 8, 3, 1, 1, 8, false)
          .batchNorm("bn2")
          .relu("r2")
          .flatten("flat")
          .linear("fc", 10)
          .build(3);
      // trained on the whole training split, validation part included: these tests are about
      // scoring, not about which
      // images the net saw
      trained = Trainer.train(
              init,
              Datasets.digits().withoutValidation(),
              TrainConfig.adam(2, 7).withLearningRate(1e-2))
          .model();
    }
    return trained;
  }
}
