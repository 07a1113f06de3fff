package bitlab.dsl.quant;

import bitlab.quant.QatConfig;
import bitlab.quant.QatResult;
import bitlab.train.EpochRecord;
import java.util.List;

/**
 * A quantization-aware fine-tuning run as a notebook holds it: the engine's {@link QatResult} (history, the loss of
 * every step) whose model is a {@link Quantized}, so that {@code run.model().evaluate(data)} and
 * {@code run.model().integer()} work.
 */
public record QatRun(QatResult result) {
  public QatRun {
    if (!(result.model() instanceof Quantized)) {
      result = new QatResult(
          Quantized.of(result.model()), result.config(), result.history(), result.stepLosses());
    }
  }

  static QatRun of(QatResult r) {
    return new QatRun(r);
  }

  public Quantized model() {
    return (Quantized) result.model();
  }

  public QatConfig config() {
    return result.config();
  }

  public List<EpochRecord> history() {
    return result.history();
  }

  /** The training loss of every step (batch), in order. */
  public double[] stepLosses() {
    return result.stepLosses();
  }
}
