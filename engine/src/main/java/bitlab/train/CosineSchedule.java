package bitlab.train;

import org.nd4j.linalg.schedule.ISchedule;

/** Cosine decay from the base rate to zero over a fixed number of iterations (ND4J schedule interface). */
public record CosineSchedule(double base, int totalIterations) implements ISchedule {
  @Override
  public double valueAt(int iteration, int epoch) {
    double t = Math.min(1.0, (double) iteration / Math.max(1, totalIterations));
    return 0.5 * base * (1 + Math.cos(Math.PI * t));
  }

  @Override
  public ISchedule clone() {
    return new CosineSchedule(base, totalIterations);
  }
}
