package bitlab.dsl.quant;

import bitlab.quant.QatConfig;
import bitlab.quant.QatResult;
import bitlab.train.EpochRecord;
import java.util.List;

/** A quantization-aware fine-tuning run as a notebook holds it: {@link QatResult} with the model as a {@link Quantized}. */
public record QatRun(Quantized model, QatConfig config, List<EpochRecord> history) {
  public QatRun {
    history = List.copyOf(history);
  }

  static QatRun of(QatResult r) {
    return new QatRun(Quantized.of(r.model()), r.config(), r.history());
  }

  /** The engine's form of the run. */
  public QatResult result() {
    return new QatResult(model, config, history);
  }
}
