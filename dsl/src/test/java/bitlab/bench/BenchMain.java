package bitlab.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./bitlab bench NAME}: benchmarks that print measurements side by side with a reference run
 * in the same process (machines are noisy; ratios are what we compare).
 */
public final class BenchMain {
  private static final Map<String, Runnable> BENCHES = new LinkedHashMap<>();

  static {
    BENCHES.put("foundation", FoundationBench::run);
  }

  private BenchMain() {}

  public static void main(String[] args) {
    if (args.length != 1 || !BENCHES.containsKey(args[0])) {
      System.err.println("usage: ./bitlab bench NAME, where NAME is one of " + String.join(", ", BENCHES.keySet()));
      System.exit(2);
    }
    BENCHES.get(args[0]).run();
  }
}
