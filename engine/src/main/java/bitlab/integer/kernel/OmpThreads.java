package bitlab.integer.kernel;

import org.nd4j.nativeblas.NativeOps;

/**
 * Runs oneDNN on the calling thread alone. oneDNN (like ND4J) parallelises with OpenMP, whose teams meet
 * at a barrier at the end of every primitive: on a machine whose cores are shared with other processes,
 * each barrier waits for a worker that the scheduler has not run yet, a time slice or more per call.
 * Measured on the 2-core machine at a load of about 20: a resnet-mini layer at batch 8 took 15-30 ms
 * with oneDNN's two-thread team and 0.1-0.3 ms on one thread ({@code ./bitlab bench integer profile
 * resnet-mini}, and again with {@code OMP_NUM_THREADS=1}). So {@code DnnlPlan} cuts a layer into pieces
 * that the executor's own threads share ({@link Parallel}: a late helper finds no work left) and runs
 * each piece with a team of one.
 *
 * <p>oneDNN fixes a primitive's team size when the primitive is made (it asks {@code omp_get_max_threads}), so
 * pieces are made, and run, inside {@link #alone}. OpenMP's team size is a per-thread setting ({@code omp_set_num_threads}); ND4J's native library
 * exposes that call, and oneDNN and ND4J share one OpenMP runtime in the process (the first
 * {@code libgomp.so.1} loaded serves both). Where ND4J's native operations cannot be reached,
 * {@link #AVAILABLE} is false and oneDNN keeps its own team.
 */
final class OmpThreads {
  static final boolean AVAILABLE;
  private static final NativeOps OPS;

  static {
    NativeOps ops = null;
    try {
      org.nd4j.linalg.factory.Nd4j
          .getBackend(); // loads ND4J's native library and its OpenMP runtime
      ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
      int before = ops.ompGetMaxThreads();
      ops.setOmpNumThreads(1);
      boolean works = ops.ompGetMaxThreads() == 1;
      ops.setOmpNumThreads(before);
      if (!works) ops = null;
    } catch (
        Throwable
            t) { // no ND4J backend, or a native library that does not load: oneDNN keeps its team
      ops = null;
    }
    OPS = ops;
    AVAILABLE = ops != null;
  }

  private OmpThreads() {}

  /** Runs {@code work} with an OpenMP team of one on this thread, then restores the thread's setting. */
  static void alone(Runnable work) {
    if (!AVAILABLE) {
      work.run();
      return;
    }
    int before = OPS.ompGetMaxThreads();
    OPS.setOmpNumThreads(1);
    try {
      work.run();
    } finally {
      OPS.setOmpNumThreads(before);
    }
  }
}
