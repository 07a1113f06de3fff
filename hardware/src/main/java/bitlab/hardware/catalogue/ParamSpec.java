package bitlab.hardware.catalogue;

/** One parameter a kind reads: its key, what values it takes, and whether it may be left out. */
record ParamSpec(String key, Type type, boolean required, double defaultValue, String meaning) {

  enum Type {
    POSITIVE("a positive number"),
    WHOLE("a positive whole number"),
    NON_NEGATIVE("a number of zero or more"),
    TEXT("text");

    final String expected;

    Type(String expected) {
      this.expected = expected;
    }
  }

  static ParamSpec required(String key, Type type, String meaning) {
    return new ParamSpec(key, type, true, Double.NaN, meaning);
  }

  static ParamSpec optional(String key, Type type, double defaultValue, String meaning) {
    return new ParamSpec(key, type, false, defaultValue, meaning);
  }
}
