package bitlab.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds a {@link Model} node by node. Each call appends a node fed by the previous one unless
 * inputs are named ({@link #from}, {@link #add}, {@link #concat}); shapes are inferred as it goes,
 * so a mistake is reported at the node that makes it.
 */
public final class ModelBuilder {
  private final String name;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Shape> shapes = new HashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private String last;

  ModelBuilder(String name, Shape input) {
    this.name = name;
    node("input", new Op.Input(input), List.of());
  }

  /** Appends {@code op} named {@code node} with these inputs. */
  public ModelBuilder node(String node, Op op, List<String> inputs) {
    if (shapes.containsKey(node))
      throw new ModelException("Model '" + name + "' already has a node named '" + node + "'.");
    List<Shape> in = new ArrayList<>();
    for (String i : inputs) {
      Shape s = shapes.get(i);
      if (s == null)
        throw new ModelException("Node '" + node + "' reads '" + i
            + "', which is not defined before it in model '" + name + "'.");
      in.add(s);
    }
    Shape out = op.infer(node, in);
    nodes.add(new Node(node, op, inputs, out));
    shapes.put(node, out);
    last = node;
    return this;
  }

  /** Continues the chain from an earlier node (the start of a branch). */
  public ModelBuilder from(String node) {
    if (!shapes.containsKey(node))
      throw new ModelException("Model '" + name + "' has no node '" + node + "' to continue from.");
    last = node;
    return this;
  }

  public String last() {
    return last;
  }

  public Shape shape() {
    return shapes.get(last);
  }

  public ModelBuilder conv(String node, int out, int kernel, int stride, int pad) {
    return conv(node, out, kernel, stride, pad, 1, true);
  }

  public ModelBuilder conv(
      String node, int out, int kernel, int stride, int pad, int groups, boolean bias) {
    return node(
        node,
        new Op.Conv2d(shape().channels(), out, kernel, kernel, stride, pad, pad, groups, bias),
        List.of(last));
  }

  /** Depthwise 3x3-style convolution: one filter per channel, no bias (a BatchNorm follows). */
  public ModelBuilder depthwise(String node, int kernel, int stride, int pad) {
    int c = shape().channels();
    return conv(node, c, kernel, stride, pad, c, false);
  }

  public ModelBuilder linear(String node, int out) {
    return node(node, new Op.Linear(Math.toIntExact(shape().elements()), out, true), List.of(last));
  }

  public ModelBuilder batchNorm(String node) {
    return node(node, new Op.BatchNorm(shape().channels(), 1e-5, 0.1), List.of(last));
  }

  public ModelBuilder relu(String node) {
    return node(node, new Op.Relu(), List.of(last));
  }

  public ModelBuilder relu6(String node) {
    return node(node, new Op.Relu6(), List.of(last));
  }

  public ModelBuilder maxPool(String node, int kernel, int stride) {
    return maxPool(node, kernel, stride, 0);
  }

  public ModelBuilder maxPool(String node, int kernel, int stride, int pad) {
    return node(node, new Op.MaxPool(kernel, stride, pad), List.of(last));
  }

  public ModelBuilder avgPool(String node, int kernel, int stride) {
    return node(node, new Op.AvgPool(kernel, stride, 0), List.of(last));
  }

  public ModelBuilder globalAvgPool(String node) {
    return node(node, new Op.GlobalAvgPool(), List.of(last));
  }

  public ModelBuilder flatten(String node) {
    return node(node, new Op.Flatten(), List.of(last));
  }

  public ModelBuilder softmax(String node) {
    return node(node, new Op.Softmax(), List.of(last));
  }

  public ModelBuilder add(String node, String a, String b) {
    return node(node, new Op.Add(), List.of(a, b));
  }

  public ModelBuilder concat(String node, String... inputs) {
    return node(node, new Op.Concat(), Arrays.asList(inputs));
  }

  public ModelBuilder meta(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** The model with freshly initialised parameters (He-normal weights, zero biases, identity BatchNorm). */
  public Model build(long seed) {
    Random rng = new Random(seed);
    Map<String, INDArray> params = new LinkedHashMap<>();
    for (Node n : nodes) {
      for (Op.Param p : n.op().params()) params.put(n.param(p.name()), init(n, p, rng));
    }
    return build(params);
  }

  /** The model with the given parameters (each is checked against the graph). */
  public Model build(Map<String, INDArray> params) {
    return new Model(name, nodes, params, metadata);
  }

  private static INDArray init(Node n, Op.Param p, Random rng) {
    long count = 1;
    for (long d : p.shape()) count *= d;
    float[] v = new float[Math.toIntExact(count)];
    switch (p.name()) {
      case "weight" -> {
        if (n.op() instanceof Op.BatchNorm) {
          Arrays.fill(v, 1f);
        } else {
          long fanIn = count / p.shape()[0];
          double std = Math.sqrt(2.0 / fanIn);
          for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * std);
        }
      }
      case "running_var" -> Arrays.fill(v, 1f);
      default -> {} // biases, shifts and running means start at zero
    }
    return Nd4j.create(v, p.shape(), 'c').castTo(DataType.FLOAT);
  }
}
