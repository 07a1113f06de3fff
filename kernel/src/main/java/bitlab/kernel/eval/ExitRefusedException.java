package bitlab.kernel.eval;

import bitlab.BitlabException;

/** A cell called {@code System.exit} (or {@code Runtime.exit/halt}), which would end the kernel with every variable. */
public final class ExitRefusedException extends BitlabException {
  ExitRefusedException(String call) {
    super(
        call
            + " was refused: it would end the kernel and every variable of this notebook with it. To start afresh,"
            + " restart the kernel (Kernel > Restart Kernel); to end a cell early, return or throw an exception.");
  }
}
