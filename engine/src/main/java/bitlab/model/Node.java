package bitlab.model;

import java.util.List;

/** One operator application in the graph: its unique name, operator, input node names and output shape. */
public record Node(String name, Op op, List<String> inputs, Shape shape) {
  public Node {
    if (name == null || name.isBlank()) throw new ModelException("Every node needs a name.");
    inputs = List.copyOf(inputs);
  }

  /** Parameter key in the model's map, e.g. {@code conv1.weight}. */
  public String param(String p) {
    return name + "." + p;
  }

  /**
   * The operator as the kind a caller expects, e.g. {@code node.op(Op.BatchNorm.class).epsilon()}; a node of
   * another kind is refused with a sentence naming both.
   */
  public <T extends Op> T op(Class<T> kind) {
    if (kind.isInstance(op)) return kind.cast(op);
    throw new ModelException("Node '" + name + "' is a " + op.getClass().getSimpleName()
        + ", not a " + kind.getSimpleName()
        + "; pick a node of that kind (model.nodes() lists each node with its operator).");
  }

  /** Conv and Linear: the layers that carry weights to quantize. */
  public boolean quantizable() {
    return op instanceof Op.Conv2d || op instanceof Op.Linear;
  }
}
