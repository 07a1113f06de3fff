package bitlab.hardware.kind;

import bitlab.hardware.TargetParameterException;

/** Range checks for the kinds' compact constructors (the loader reports friendlier errors first). */
final class Checks {

  private Checks() {}

  static void positive(Object... nameValue) {
    for (int i = 0; i < nameValue.length; i += 2) {
      double v = ((Number) nameValue[i + 1]).doubleValue();
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new TargetParameterException(
            "Parameter '" + nameValue[i] + "' must be a positive number, got " + v + ".");
      }
    }
  }

  static void nonNegative(Object... nameValue) {
    for (int i = 0; i < nameValue.length; i += 2) {
      double v = ((Number) nameValue[i + 1]).doubleValue();
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new TargetParameterException(
            "Parameter '" + nameValue[i] + "' must be zero or positive, got " + v + ".");
      }
    }
  }
}
