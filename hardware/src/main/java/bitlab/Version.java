package bitlab;

/** The version of bitlab, as built; the one place every provenance line and banner reads it from. */
public final class Version {
  private Version() {}

  /** The jar's implementation version, or the reactor's version when run from the build's class folders. */
  public static String current() {
    Package p = Version.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }
}
