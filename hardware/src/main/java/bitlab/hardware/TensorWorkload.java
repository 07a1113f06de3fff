package bitlab.hardware;

/**
 * What one operator without weights (an Add, a pooling, a Concat, a look-up table, ...) asks of a machine, for a single
 * image: the elements it reads and writes, the bits they take at the widths a quantized model stores them at, and its
 * element-wise operations (one per output element for an addition or a look-up, one per window cell for a pooling).
 * These are priced apart from the {@link LayerWorkload}s, which a policy, a HAQ state and a HAWQ table index by layer.
 *
 * @param op         the operator's name, as tables show it (e.g. {@code Add}, {@code MaxPool})
 * @param widestBits the widest of the tensors it touches (the arithmetic tier it needs)
 */
public record TensorWorkload(
    String name,
    String op,
    long elementsRead,
    long bitsRead,
    long elementsWritten,
    long bitsWritten,
    long operations,
    int widestBits) {

  public TensorWorkload {
    if (name == null || name.isBlank())
      throw new IllegalArgumentException("A tensor workload needs a name.");
    if (elementsRead < 0
        || bitsRead < 0
        || elementsWritten < 0
        || bitsWritten < 0
        || operations < 0
        || widestBits < 1) {
      throw new IllegalArgumentException("Operator '" + name + "' (" + op
          + ") has a negative size or no width: read " + elementsRead + " (" + bitsRead
          + " bits), written " + elementsWritten + " (" + bitsWritten + " bits), " + operations
          + " operations, widest " + widestBits + " bits.");
    }
  }

  /** Bits read and written per image. */
  public long bits() {
    return bitsRead + bitsWritten;
  }
}
