package bitlab.kernel.magic;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/**
 * {@code %hardware} lists the target catalogue ({@code hardware()} of the DSL), {@code %hardware NAME}
 * shows one target, and {@code %%hardware NAME} declares a target from the YAML in the rest of the
 * cell ({@code hardwareFromYaml(name, yaml)} of the DSL) and binds it to a variable named after it.
 */
final class HardwareMagic {
  static final String DSL = "bitlab.dsl.Bitlab";

  private HardwareMagic() {}

  static Object line(String args, String body, MagicContext ctx) throws Exception {
    String name = args.strip();
    if (name.isEmpty()) return call("hardware", "%hardware lists the target catalogue");
    return call("hardware", "%hardware NAME shows a target", name);
  }

  static Object cell(String args, String body, MagicContext ctx) throws Exception {
    String name = args.strip();
    if (name.isEmpty() || name.contains(" ")) {
      throw new MagicException(
          "%%hardware needs one target name on its first line, e.g. '%%hardware my-edge', "
              + "then the target's YAML (kind, parameters, ...) on the lines below.");
    }
    if (body == null || body.isBlank()) {
      throw new MagicException(
          "%%hardware " + name + " has no YAML below it; write the target's kind and parameters "
              + "on the following lines, as in the files of hardware/targets.");
    }
    if (find("hardwareFromYaml", 2) == null) {
      throw new MagicException(
          "%%hardware declares targets through the DSL's hardwareFromYaml(name, yaml), which this "
              + "build of bitlab does not have yet.");
    }
    String var = javaName(name);
    ctx.eval("var " + var + " = " + DSL + ".hardwareFromYaml(" + literal(name) + ", "
        + literal(body) + ");");
    ctx.publisher().stream("stdout", "Declared target '" + name + "' as variable " + var + ".\n");
    return ctx.eval(var);
  }

  private static Object call(String method, String what, Object... args) throws Exception {
    Method m = find(method, args.length);
    if (m == null) {
      throw new MagicException(
          what + " through the DSL's " + method + "(" + (args.length == 0 ? "" : "String")
              + "), which this build of bitlab does not have yet.");
    }
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception ex) throw ex;
      throw e;
    }
  }

  static Method find(String name, int arity) {
    try {
      Class<?> dsl = Class.forName(DSL);
      return Arrays.stream(dsl.getMethods())
          .filter(m -> m.getName().equals(name)
              && Modifier.isStatic(m.getModifiers())
              && m.getParameterCount() == arity)
          .filter(m -> Arrays.stream(m.getParameterTypes()).allMatch(t -> t == String.class))
          .findFirst()
          .orElse(null);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  /** "my-edge" -> "myEdge": a Java identifier for a target name. */
  static String javaName(String name) {
    StringBuilder sb = new StringBuilder();
    boolean upper = false;
    for (char ch : name.toCharArray()) {
      if (Character.isJavaIdentifierPart(ch) && ch != '$') {
        sb.append(upper ? Character.toUpperCase(ch) : ch);
        upper = false;
      } else {
        upper = sb.length() > 0;
      }
    }
    if (sb.length() == 0 || !Character.isJavaIdentifierStart(sb.charAt(0))) sb.insert(0, "target");
    String var = sb.toString();
    // A keyword ("class", "int", "_") cannot name a variable: "class" -> "targetClass".
    if (!javax.lang.model.SourceVersion.isName(var))
      var = "target" + Character.toUpperCase(var.charAt(0)) + var.substring(1);
    return var;
  }

  /** A Java string literal for any text. */
  static String literal(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
          else sb.append(ch);
        }
      }
    }
    return sb.append('"').toString();
  }
}
