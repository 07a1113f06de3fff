package bitlab.task;

import bitlab.BitlabException;

/** Long work stopped because the user interrupted it. */
public final class CancelledException extends BitlabException {
  public CancelledException() {
    super(
        "Stopped: the work was interrupted; results computed so far are kept where the operation says so.");
  }
}
