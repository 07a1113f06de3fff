package bitlab.nn;

import bitlab.model.Node;

/**
 * Where quantization (or any other transformation) attaches to the float engine: per node, a
 * {@link Transform} of the weight a Conv or Linear node computes with, one of the input it reads, and one
 * of the node's output as the next nodes see it. A hook returns null to leave a node alone. Transforms are made once per
 * compiled network, in node order (a node's weight transform before its output transform), so the two
 * transforms of one node may share state.
 */
public interface Hooks {
  Hooks NONE = new Hooks() {};

  /** The transform of a Conv or Linear node's weight (PyTorch layout), or null. */
  default Transform weight(Node node) {
    return null;
  }

  /** The transform of a node's output, or null. */
  default Transform output(Node node) {
    return null;
  }

  /**
   * The transform of what a Conv or Linear node reads, for that node alone (the other readers of the tensor see
   * it untransformed), or null: a narrower view of a wider quantized tensor, such as a residual stream kept at
   * 8 bits that a layer reads at 4.
   */
  default Transform input(Node node) {
    return null;
  }
}
