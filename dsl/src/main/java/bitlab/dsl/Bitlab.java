package bitlab.dsl;

/**
 * The notebook vocabulary: every public entry point a cell can call without imports
 * (the kernel preloads {@code import static bitlab.dsl.Bitlab.*}).
 */
public final class Bitlab {
  private Bitlab() {}

  /** The bitlab version, as built. */
  public static String version() {
    String v = Bitlab.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }
}
