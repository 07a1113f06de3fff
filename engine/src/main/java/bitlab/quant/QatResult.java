package bitlab.quant;

import bitlab.train.EpochRecord;
import java.util.List;

/**
 * A quantization-aware fine-tuning run: the quantized model and, per epoch, training loss and quantized accuracy on
 * the validation part (the test part for a data set without one); and the training loss of every step (batch), in
 * order, which is what a reader watches fall.
 */
public record QatResult(
    QuantizedModel model, QatConfig config, List<EpochRecord> history, double[] stepLosses) {
  public QatResult {
    history = List.copyOf(history);
    stepLosses = stepLosses == null ? new double[0] : stepLosses.clone();
  }

  public QatResult(QuantizedModel model, QatConfig config, List<EpochRecord> history) {
    this(model, config, history, null);
  }

  @Override
  public double[] stepLosses() {
    return stepLosses.clone();
  }
}
