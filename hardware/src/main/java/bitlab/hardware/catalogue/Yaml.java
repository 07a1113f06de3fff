package bitlab.hardware.catalogue;

import bitlab.hardware.TargetSyntaxException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The YAML of a target file as a node tree, so that every message can name the line a key or
 * value sits on (SnakeYAML's composed nodes keep their marks; plain maps would lose them).
 */
final class Yaml {

  private Yaml() {}

  /** Parses a document into its root node; a syntax error names the source and the line. */
  static Node parse(String source, String text) {
    Node root;
    try {
      root = new org.yaml.snakeyaml.Yaml(new LoaderOptions()).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      throw new TargetSyntaxException(
          "Target " + source + " is not valid YAML at line " + line + " (" + problem
              + "); expected 'key: value' lines with consistent indentation.",
          e);
    } catch (YAMLException e) {
      throw new TargetSyntaxException(
          "Target " + source + " is not valid YAML (" + e.getMessage() + ").", e);
    } catch (IllegalArgumentException e) {
      // SnakeYAML checks some tokens outside its own exception family: a tag such as '!0%0' decodes
      // to one with a
      // trailing space, which its Tag constructor refuses with an IllegalArgumentException (found
      // by the fuzzer).
      throw new TargetSyntaxException(
          "Target " + source + " is not valid YAML (" + e.getMessage()
              + "); expected 'key: value' lines without '!' tags.",
          e);
    }
    if (root == null) {
      throw new TargetSyntaxException(
          "Target " + source + " is empty; expected keys description, kind and parameters.");
    }
    return root;
  }

  /** 1-based line of a node. */
  static int line(Node n) {
    return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
  }

  /** A mapping node's entries by key, in file order; duplicate or non-text keys are errors. */
  static Map<String, NodeTuple> mapping(String source, String what, Node n) {
    if (!(n instanceof MappingNode m)) {
      throw new TargetSyntaxException("Target " + source + " line " + line(n) + ": " + what
          + " is not a mapping; expected indented 'key: value' lines.");
    }
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw new TargetSyntaxException("Target " + source + " line " + line(t.getKeyNode())
            + ": a key in " + what + " is not plain text.");
      }
      if (out.put(k.getValue(), t) != null) {
        throw new TargetSyntaxException("Target " + source + " line " + line(k) + ": key '"
            + k.getValue() + "' appears twice in " + what + ".");
      }
    }
    return out;
  }

  /** Text of a scalar node, or an error naming the key. */
  static String scalar(String source, String key, Node n) {
    if (!(n instanceof ScalarNode s)) {
      throw new TargetSyntaxException("Target " + source + " line " + line(n) + ": '" + key
          + "' is not a single value; expected text or a number.");
    }
    return s.getValue();
  }
}
