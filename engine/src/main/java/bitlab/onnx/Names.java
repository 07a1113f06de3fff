package bitlab.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onnx.Onnx.NodeProto;
import onnx.Onnx.StringStringEntryProto;
import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;
import org.nd4j.shade.protobuf.UnknownFieldSet;

/**
 * Readable, unique bitlab node names from ONNX node names. PyTorch scopes such as
 * {@code /layer1/layer1.0/conv1/Conv} become {@code layer1.0.conv1}; functional operators keep
 * their kind ({@code /layer1/layer1.0/Add} becomes {@code layer1.0.add}); names bitlab wrote
 * ({@code b1.dw.bn}) come back unchanged.
 */
final class Names {
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.\\-]+");
  /** Operators PyTorch emits from functions rather than modules: the scope alone would not say what they are. */
  private static final Set<String> FUNCTIONAL =
      Set.of("Add", "Concat", "Flatten", "Reshape", "MatMul");

  private final Set<String> used = new HashSet<>();

  Names(String... reserved) {
    for (String r : reserved) used.add(r);
  }

  /** A fresh name for an ONNX node: from PyTorch's module scopes when the node records them, else from its name. */
  String unique(NodeProto node) {
    String scoped = fromScopes(node);
    return unique(scoped != null ? scoped : node.getName(), node.getOpType());
  }

  /** A fresh name from an ONNX node name (possibly empty). */
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
      else
        name = FUNCTIONAL.contains(opType) ? scope + "." + opSeg.toLowerCase(Locale.ROOT) : scope;
    } else {
      name = raw;
    }
    name = UNSAFE.matcher(name).replaceAll("_").replaceAll("^[._]+|[._]+$", "");
    if (name.isEmpty()) name = opType.toLowerCase(Locale.ROOT);
    return name;
  }

  /**
   * PyTorch's dynamo exporter names nodes {@code node_Conv_26} but records the module path in the
   * node's metadata ({@code pkg.torch.onnx.name_scopes = ['', 'layer1', 'layer1.0', 'conv2d_1']} and
   * the module classes). A node that is a torch.nn layer's own computation takes the layer's path
   * ({@code layer1.0.conv1}); one computed inside a bigger module adds its operation's name without
   * the exporter's global counter ({@code add_66} in {@code layer1.0} becomes {@code layer1.0.add}).
   * The ONNX protobuf classes bitlab uses predate node metadata (field 9), so it is read from the unknown fields.
   */
  static String fromScopes(NodeProto node) {
    UnknownFieldSet.Field f = node.getUnknownFields().getField(NODE_METADATA_FIELD);
    if (f == null) return null;
    List<String> scopes = null;
    List<String> classes = null;
    for (ByteString b : f.getLengthDelimitedList()) {
      try {
        StringStringEntryProto e = StringStringEntryProto.parseFrom(b);
        if (e.getKey().equals("pkg.torch.onnx.name_scopes")) scopes = pythonList(e.getValue());
        if (e.getKey().equals("pkg.torch.onnx.class_hierarchy")) classes = pythonList(e.getValue());
      } catch (InvalidProtocolBufferException ex) {
        return null;
      }
    }
    if (scopes == null || scopes.isEmpty()) return null;
    List<String> path =
        scopes.subList(0, scopes.size() - 1).stream().filter(s -> !s.isEmpty()).toList();
    String own = scopes.get(scopes.size() - 1).replaceFirst("_\\d+$", "");
    if (path.isEmpty()) return own;
    String module = path.get(path.size() - 1);
    boolean leafLayer = classes != null
        && classes.size() >= 2
        && classes.get(classes.size() - 2).startsWith("torch.nn.modules.");
    return leafLayer ? module : module + "." + own;
  }

  private static final int NODE_METADATA_FIELD = 9;
  private static final Pattern QUOTED = Pattern.compile("'([^']*)'");

  private static List<String> pythonList(String s) {
    List<String> out = new ArrayList<>();
    Matcher m = QUOTED.matcher(s);
    while (m.find()) out.add(m.group(1));
    return out;
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
