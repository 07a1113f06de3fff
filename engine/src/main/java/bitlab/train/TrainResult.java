package bitlab.train;

import bitlab.model.Model;
import java.util.List;

/** A trained model and how it got there. */
public record TrainResult(Model model, TrainConfig config, List<EpochRecord> history) {
  public TrainResult {
    history = List.copyOf(history);
  }

  public double finalAccuracy() {
    return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).testAccuracy();
  }

  public double secondsPerEpoch() {
    return history.stream().mapToDouble(EpochRecord::seconds).average().orElse(Double.NaN);
  }
}
