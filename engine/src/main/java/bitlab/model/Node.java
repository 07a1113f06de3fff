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

  /** Conv and Linear: the layers that carry weights to quantize. */
  public boolean quantizable() {
    return op instanceof Op.Conv2d || op instanceof Op.Linear;
  }
}
