package bitlab.kernel.eval;

/**
 * Thrown in a cell's own code, at a loop back-edge or method entry, once the kernel has stopped the
 * cell: the cell may catch it, but it is thrown again at the next one, so the cell ends.
 */
public final class CellStoppedError extends Error {
  CellStoppedError() {
    super("The cell was stopped.", null, false, false);
  }
}
