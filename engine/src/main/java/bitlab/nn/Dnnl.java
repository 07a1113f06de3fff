package bitlab.nn;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;

/**
 * oneDNN's CPU engine and the memory descriptions of engine tensors. {@link #AVAILABLE} is false where
 * the native library cannot load (another OS or CPU, or {@code -Dbitlab.nn.dnnl=false}); the float
 * engine then computes with the reference arithmetic (plain Java loops).
 */
final class Dnnl {
  static final engine ENGINE;
  static final boolean AVAILABLE;
  static final String PROBLEM;

  static {
    String problem = null;
    if (!Boolean.parseBoolean(System.getProperty("bitlab.nn.dnnl", "true"))) {
      problem = "switched off with -Dbitlab.nn.dnnl=false";
    } else if (!bitlab.cpu.OneDnn.AVAILABLE) {
      problem =
          bitlab.cpu.OneDnn
              .PROBLEM; // the engine is the process's one (bitlab.cpu.OneDnn), capped as
      // -Dbitlab.kernel.isa says
    }
    AVAILABLE = problem == null;
    ENGINE = AVAILABLE ? bitlab.cpu.OneDnn.ENGINE : null;
    PROBLEM = problem;
  }

  private Dnnl() {}

  /** The f32 description of a tensor: NHWC feature maps, plain row-major otherwise. */
  static memory.desc desc(Tensor t) {
    return desc(t.dims(), t.channelsLast());
  }

  static memory.desc desc(long[] dims, boolean channelsLast) {
    return new memory.desc(dims, memory.data_type.f32, tag(dims.length, channelsLast));
  }

  /** A reorder between two memories, made and bound once; small ones run on one thread. */
  static final class Reorder implements AutoCloseable {
    private final org.bytedeco.dnnl.reorder r;
    private final memory from, to;
    private final boolean single;

    Reorder(memory from, memory to) {
      this.from = from;
      this.to = to;
      this.single = Threads.singleElements(from.get_desc().get_size() / 4);
      this.r = Threads.make(single, () -> new org.bytedeco.dnnl.reorder(from, to));
    }

    void run(stream s) {
      Threads.run(single, () -> r.execute(s, from, to));
    }

    @Override
    public void close() {
      r.close();
    }
  }

  /** Closes native objects, the last made first. */
  static void closeAll(List<? extends AutoCloseable> made) {
    for (int i = made.size() - 1; i >= 0; i--) {
      try {
        made.get(i).close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    made.clear();
  }

  static long elements(long... dims) {
    long n = 1;
    for (long d : dims) n *= d;
    return n;
  }

  static memory.desc any(long... dims) {
    return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
  }

  static memory.format_tag tag(int rank, boolean channelsLast) {
    switch (rank) {
      case 1:
        return memory.format_tag.a;
      case 2:
        return memory.format_tag.ab;
      case 3:
        return memory.format_tag.abc;
      case 4:
        return channelsLast ? memory.format_tag.acdb : memory.format_tag.abcd;
      case 5:
        return memory.format_tag.abcde;
      default:
        throw new IllegalArgumentException("rank " + rank);
    }
  }

  /**
   * A primitive with its arguments bound once, so that a call costs one native crossing; small work runs
   * on the calling thread alone ({@link Threads}).
   */
  static final class Call {
    private final primitive p;
    private final boolean single;
    private final IntMemoryMap args = new IntMemoryMap();
    private final List<memory> keep = new ArrayList<>();

    /** {@code single}: the primitive was made for one thread ({@link Threads#make}) and runs on one. */
    Call(primitive p, boolean single) {
      this.p = p;
      this.single = single;
    }

    Call arg(int key, memory m) {
      args.put(key, m);
      keep.add(m);
      return this;
    }

    void run(stream s) {
      Threads.run(single, () -> p.execute(s, args));
    }
  }

  /** Calls bound to particular tensors, found again by their identities (a kernel sees a handful of tensor sets). */
  static final class Calls {
    private final List<Object[]> keys = new ArrayList<>();
    private final List<Object> calls = new ArrayList<>();

    @SuppressWarnings("unchecked")
    <T> T get(java.util.function.Supplier<T> make, Object... key) {
      for (int i = 0; i < keys.size(); i++) {
        if (same(keys.get(i), key)) return (T) calls.get(i);
      }
      T c = make.get();
      keys.add(key.clone());
      calls.add(c);
      return c;
    }

    private static boolean same(Object[] a, Object[] b) {
      if (a.length != b.length) return false;
      for (int i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
      return true;
    }
  }
}
