package bitlab.kernel.magic;

/** {@code %time CODE} and {@code %%time}: wall time of the code, printed after it ran; its value is kept. */
final class TimeMagic {
  private TimeMagic() {}

  static Object line(String args, String body, MagicContext ctx) throws Exception {
    if (args.isBlank())
      throw new MagicException(
          "%time needs code after it on the same line, e.g. '%time net.evaluate(data)'; use %%time to time a whole cell.");
    return timed(args, ctx);
  }

  static Object cell(String args, String body, MagicContext ctx) throws Exception {
    String code = (args.isBlank() ? "" : args + "\n") + (body == null ? "" : body);
    if (code.isBlank()) throw new MagicException("%%time needs code on the lines below it.");
    return timed(code, ctx);
  }

  private static Object timed(String code, MagicContext ctx) throws Exception {
    long t0 = System.nanoTime();
    try {
      return ctx.eval(code);
    } finally {
      ctx.publisher().stream("stdout", "Wall time: " + format(System.nanoTime() - t0) + "\n");
    }
  }

  static String format(long nanos) {
    if (nanos < 1_000_000) return String.format("%.1f µs", nanos / 1e3);
    if (nanos < 1_000_000_000) return String.format("%.1f ms", nanos / 1e6);
    return String.format("%.2f s", nanos / 1e9);
  }
}
