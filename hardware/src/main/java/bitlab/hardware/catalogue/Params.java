package bitlab.hardware.catalogue;

import bitlab.hardware.Parameter;
import java.util.Map;

/** A target's parameters after checking against its kind's specs, read by the kind table. */
record Params(Map<String, Parameter> values, Map<String, ParamSpec> specs) {

  double number(String key) {
    Parameter p = values.get(key);
    return p != null ? p.number() : specs.get(key).defaultValue();
  }

  int whole(String key) {
    return (int) number(key);
  }

  String text(String key) {
    Parameter p = values.get(key);
    return p == null ? null : p.value();
  }

  boolean has(String key) {
    return values.containsKey(key);
  }
}
