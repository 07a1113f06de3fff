package bitlab.train;

import bitlab.model.Model;
import java.util.List;

/**
 * A trained model and how it got there: per epoch, loss and accuracy on the validation part (the test part
 * for a data set without one); {@code testAccuracy}, the final model's accuracy on the test part, measured once
 * after training (NaN if training stopped). {@code stopped} is null when every epoch ran, otherwise the
 * sentence saying why training stopped early (the model then has the last good weights).
 */
public record TrainResult(
    Model model,
    TrainConfig config,
    List<EpochRecord> history,
    double testAccuracy,
    String stopped) {
  public TrainResult {
    history = List.copyOf(history);
  }

  public TrainResult(
      Model model, TrainConfig config, List<EpochRecord> history, double testAccuracy) {
    this(model, config, history, testAccuracy, null);
  }

  /** The last epoch's accuracy, on the part {@link #scoredOn()} names. */
  public double finalAccuracy() {
    return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).accuracy();
  }

  /** Which part of the data set the epochs were scored on: "validation", or "test" for a data set without one. */
  public String scoredOn() {
    return history.isEmpty() ? "validation" : history.get(0).part();
  }

  public double secondsPerEpoch() {
    return history.stream().mapToDouble(EpochRecord::seconds).average().orElse(Double.NaN);
  }
}
