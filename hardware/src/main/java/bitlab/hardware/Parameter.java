package bitlab.hardware;

/**
 * One parameter of a target as its file gives it: key, value (numbers also as {@code number},
 * NaN for text such as a table file name), unit, and where the value comes from.
 */
public record Parameter(String key, String value, double number, String unit, String source)
    implements java.io.Serializable {

  public Parameter {
    if (key == null || key.isBlank())
      throw new IllegalArgumentException("A parameter needs a key.");
    unit = unit == null ? "" : unit;
    source = source == null ? "" : source;
  }
}
