package bitlab.task;

/** Long work stopped because the user interrupted it. */
public final class CancelledException extends RuntimeException {
  public CancelledException() {
    super("Stopped: the work was interrupted; results computed so far are kept where the operation says so.");
  }
}
