package bitlab.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./bitlab bench NAME [ARGS]}: benchmarks that print measurements side by side with a
 * reference run in the same process (machines are noisy; ratios are what we compare).
 */
public final class BenchMain {
  /** A benchmark: its arguments after the name. */
  interface Bench {
    void run(String[] args) throws Exception;
  }

  private static final Map<String, Bench> BENCHES = new LinkedHashMap<>();

  static {
    BENCHES.put("data", DataBench::main);
    BENCHES.put("foundation", FoundationBench::run);
    BENCHES.put("float-options", FloatOptionsBench::run);
    BENCHES.put("hessian", HessianBench::run);
    BENCHES.put("haq", HaqBench::main);
    BENCHES.put("haq-seeds", HaqSeedsBench::main);
    BENCHES.put("haq-ceiling", HaqCeilingBench::main);
    BENCHES.put("haq-finetune", HaqFineTuneBench::main);
    BENCHES.put("hawq", HawqBench::main);
    BENCHES.put("hawq-targets", HawqTargets::main);
    BENCHES.put("integer", IntegerBench::main);
    BENCHES.put("kernels", KernelBench::run);
    BENCHES.put("qdq", QdqBench::run);
    BENCHES.put("stream", StreamBench::main);
  }

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String usage = "usage: ./bitlab bench NAME [ARGS], where NAME is one of "
        + String.join(", ", BENCHES.keySet()) + ", sweep";
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(usage);
      return;
    }
    if (args.length < 1 || !BENCHES.containsKey(args[0])) {
      System.err.println(
          args.length < 1 ? usage : "there is no benchmark '" + args[0] + "'; " + usage);
      System.exit(2);
    }
    // on a thread with a large stack: ONNX Runtime 1.29's native start-up overflows the main
    // thread's 1 MB
    // (the JVM dies with a bare segmentation fault in OrtEnvironment.getEnvironment(); -Xss4m
    // avoids it too)
    Throwable[] failed = new Throwable[1];
    Thread t = new Thread(
        null,
        () -> {
          try {
            BENCHES.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
          } catch (Throwable e) {
            failed[0] = e;
          }
        },
        "bench",
        64L << 20);
    t.start();
    t.join();
    if (failed[0] instanceof Exception e) throw e;
    if (failed[0] instanceof Error e) throw e;
  }
}
