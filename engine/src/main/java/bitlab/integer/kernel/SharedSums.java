package bitlab.integer.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.IntPointer;

/**
 * A thread's native int32 buffers for oneDNN's sums, one per (channel chunk, weight part) index, which every
 * {@link DnnlPiece} the thread runs writes and reads back in turn: the sums of a piece stay in the core's cache for
 * the next piece instead of each piece's sums going out to memory (see {@code DnnlPiece.shared}). A buffer grows to
 * the largest piece that asked for it and is replaced, never shrunk; a piece binds it again before every run.
 */
final class SharedSums {
  private record Buffer(IntPointer pointer, IntBuffer ints, ByteBuffer bytes, long capacity) {
    static Buffer of(long ints) {
      IntPointer p = new IntPointer(ints);
      return new Buffer(p, p.asBuffer(), p.asByteBuffer().order(ByteOrder.nativeOrder()), ints);
    }
  }

  private static final ThreadLocal<Buffer[]> BUFFERS = ThreadLocal.withInitial(() -> new Buffer[0]);

  private SharedSums() {}

  /** This thread's buffer {@code index}, holding at least {@code ints} sums. */
  static IntPointer get(int index, long ints) {
    Buffer[] b = BUFFERS.get();
    if (index >= b.length) {
      b = java.util.Arrays.copyOf(b, index + 1);
      BUFFERS.set(b);
    }
    if (b[index] == null || b[index].capacity() < ints) {
      // the old one may still be some piece's bound handle: every piece binds again before it runs
      b[index] = Buffer.of(Math.max(ints, 1));
    }
    return b[index].pointer();
  }

  /** This thread's buffer {@code index} as ints (after {@link #get}). */
  static IntBuffer ints(int index) {
    return BUFFERS.get()[index].ints();
  }

  /** This thread's buffer {@code index} as bytes in native order (after {@link #get}). */
  static ByteBuffer bytes(int index) {
    return BUFFERS.get()[index].bytes();
  }
}
