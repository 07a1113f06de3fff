package bitlab.dsl.sweep.job;

import java.io.Serializable;

/** A job and what came of it: its row, or the sentence that says why it failed and what to do (then {@code row} is null). */
public record JobResult(SweepJob job, SweepRow row, String error) implements Serializable {
  public static JobResult ok(SweepJob job, SweepRow row) {
    return new JobResult(job, row, null);
  }

  public static JobResult failed(SweepJob job, String error) {
    return new JobResult(job, null, error);
  }

  public boolean failed() {
    return row == null;
  }
}
