package bitlab.integer.kernel;

import java.util.Locale;

/** The kernels' switches, read once from system properties ({@code -Dbitlab.kernel.NAME=value}). */
final class Settings {
  private Settings() {}

  /**
   * The constant of {@code fallback}'s enum that the property names (any case), else {@code fallback}: an unknown value
   * leaves the measured default in charge, as these switches are for benchmarks.
   */
  static <E extends Enum<E>> E choice(String property, E fallback) {
    String value = System.getProperty(property, fallback.name()).trim().toUpperCase(Locale.ROOT);
    for (E e : fallback.getDeclaringClass().getEnumConstants())
      if (e.name().equals(value)) return e;
    return fallback;
  }
}
