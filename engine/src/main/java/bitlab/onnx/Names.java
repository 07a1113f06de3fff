package bitlab.onnx;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Readable, unique bitlab node names from ONNX node names. PyTorch scopes such as
 * {@code /layer1/layer1.0/conv1/Conv} become {@code layer1.0.conv1}; functional operators keep
 * their kind ({@code /layer1/layer1.0/Add} becomes {@code layer1.0.add}); names bitlab wrote
 * ({@code b1.dw.bn}) come back unchanged.
 */
final class Names {
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.\\-]+");
  /** Operators PyTorch emits from functions rather than modules: the scope alone would not say what they are. */
  private static final Set<String> FUNCTIONAL = Set.of("Add", "Concat", "Flatten", "Reshape", "MatMul");

  private final Set<String> used = new HashSet<>();

  Names(String... reserved) {
    for (String r : reserved) used.add(r);
  }

  /** A fresh name for an ONNX node (its own name may be empty). */
  String unique(String onnxName, String opType) {
    String base = readable(onnxName, opType);
    String name = base;
    for (int i = 2; !used.add(name); i++) name = base + "_" + i;
    return name;
  }

  static String readable(String onnxName, String opType) {
    String raw = onnxName == null ? "" : onnxName.strip();
    String name;
    if (raw.contains("/")) {
      String[] segs = raw.split("/+");
      int end = segs.length;
      String opSeg = null;
      if (end > 0 && segs[end - 1].matches(Pattern.quote(opType) + "(_\\d+)?")) opSeg = segs[--end];
      String scope = joinScopes(segs, end);
      if (opSeg == null) name = scope;
      else if (scope.isEmpty()) name = opSeg.toLowerCase(Locale.ROOT);
      else name = FUNCTIONAL.contains(opType) ? scope + "." + opSeg.toLowerCase(Locale.ROOT) : scope;
    } else {
      name = raw;
    }
    name = UNSAFE.matcher(name).replaceAll("_").replaceAll("^[._]+|[._]+$", "");
    return name.isEmpty() ? opType.toLowerCase(Locale.ROOT) : name;
  }

  /** {@code [features, features.1, conv, conv.0]} becomes {@code features.1.conv.0}. */
  private static String joinScopes(String[] segs, int end) {
    StringBuilder base = new StringBuilder();
    String last = "";
    for (int i = 0; i < end; i++) {
      String s = segs[i];
      if (s.isEmpty()) continue;
      if (!last.isEmpty() && s.startsWith(last + ".")) {
        last = s;
      } else {
        if (!last.isEmpty()) base.append(last).append('.');
        last = s;
      }
    }
    return base + last;
  }
}
