package bitlab.train;

import bitlab.model.Model;
import java.util.List;

/**
 * A trained model and how it got there. {@code stopped} is null when every epoch ran, otherwise the
 * sentence saying why training stopped early (the model then has the last good weights).
 */
public record TrainResult(Model model, TrainConfig config, List<EpochRecord> history, String stopped) {
  public TrainResult {
    history = List.copyOf(history);
  }

  public TrainResult(Model model, TrainConfig config, List<EpochRecord> history) {
    this(model, config, history, null);
  }

  public double finalAccuracy() {
    return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).testAccuracy();
  }

  public double secondsPerEpoch() {
    return history.stream().mapToDouble(EpochRecord::seconds).average().orElse(Double.NaN);
  }
}
