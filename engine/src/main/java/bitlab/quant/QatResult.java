package bitlab.quant;

import bitlab.train.EpochRecord;
import java.util.List;

/**
 * A quantization-aware fine-tuning run: the quantized model and, per epoch, training loss and quantized accuracy on
 * the validation part (the test part for a data set without one).
 */
public record QatResult(QuantizedModel model, QatConfig config, List<EpochRecord> history) {
  public QatResult {
    history = List.copyOf(history);
  }
}
