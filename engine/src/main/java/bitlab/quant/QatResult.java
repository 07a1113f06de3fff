package bitlab.quant;

import bitlab.train.EpochRecord;
import java.util.List;

/** A quantization-aware fine-tuning run: the quantized model and, per epoch, training loss and quantized test accuracy. */
public record QatResult(QuantizedModel model, QatConfig config, List<EpochRecord> history) {
  public QatResult {
    history = List.copyOf(history);
  }
}
