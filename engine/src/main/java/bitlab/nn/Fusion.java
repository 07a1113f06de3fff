package bitlab.nn;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which nodes an inference program runs as one kernel call: a Conv2d or Linear, then (each only if
 * the one before feeds nothing else and is neither hooked nor fetched) a BatchNorm folded into its
 * weights, an Add taken as a sum post-op, a ReLU or ReLU6 as an activation post-op. The group runs
 * where its last node stands.
 */
final class Fusion {
  /** A fused run: the layer, what it absorbed, and the node whose name its output takes. */
  record Group(
      Node layer, Node norm, String addend, Backend.Activation.Kind activation, String last) {}

  static final Fusion NONE = new Fusion(Map.of(), Set.of());

  private final Map<String, Group> byLast;
  private final Set<String> absorbed;

  private Fusion(Map<String, Group> byLast, Set<String> absorbed) {
    this.byLast = byLast;
    this.absorbed = absorbed;
  }

  /** True for a node that runs inside a group ending later. */
  boolean absorbed(String node) {
    return absorbed.contains(node);
  }

  /** The group ending at this node, or null. */
  Group group(String node) {
    return byLast.get(node);
  }

  static Fusion plan(Model model, Predicate<String> hooked, Set<String> fetch) {
    Map<String, List<Node>> consumers = model.readers();
    Map<String, Group> groups = new HashMap<>();
    Set<String> absorbed = new HashSet<>();
    Set<String> claimed = new HashSet<>();
    for (Node layer : model.nodes()) {
      if (!(layer.op() instanceof Op.Conv2d || layer.op() instanceof Op.Linear)) continue;
      Node cur = layer;
      Node norm = null;
      String addend = null;
      Backend.Activation.Kind act = Backend.Activation.Kind.NONE;
      List<Node> chain = new ArrayList<>(List.of(layer));
      Node next = next(model, cur, consumers, hooked, fetch, claimed);
      if (next != null && next.op() instanceof Op.BatchNorm) {
        norm = next;
        chain.add(cur = next);
        next = next(model, cur, consumers, hooked, fetch, claimed);
      }
      if (next != null
          && next.op() instanceof Op.Add
          && !next.inputs().get(0).equals(next.inputs().get(1))) {
        addend = next.inputs().get(0).equals(cur.name())
            ? next.inputs().get(1)
            : next.inputs().get(0);
        chain.add(cur = next);
        next = next(model, cur, consumers, hooked, fetch, claimed);
      }
      // the first step of the model's one ReLU walk, taken only where next(...) found cur's value
      // needed nowhere else
      Node from = cur;
      List<Node> relu = next == null ? List.of() : model.reluChain(from, x -> x == from);
      if (!relu.isEmpty()) {
        act = relu.get(0).op() instanceof Op.Relu
            ? Backend.Activation.Kind.RELU
            : Backend.Activation.Kind.RELU6;
        chain.add(cur = relu.get(0));
      }
      if (cur == layer) continue;
      for (Node n : chain) claimed.add(n.name());
      for (int i = 0; i < chain.size() - 1; i++) absorbed.add(chain.get(i).name());
      groups.put(cur.name(), new Group(layer, norm, addend, act, cur.name()));
    }
    return new Fusion(groups, absorbed);
  }

  /** The only consumer of {@code cur}, if {@code cur}'s value is needed nowhere else (not hooked, fetched, the output or claimed). */
  private static Node next(
      Model model,
      Node cur,
      Map<String, List<Node>> consumers,
      Predicate<String> hooked,
      Set<String> fetch,
      Set<String> claimed) {
    List<Node> c = consumers.getOrDefault(cur.name(), List.of());
    if (c.size() != 1
        || cur == model.output()
        || hooked.test(cur.name())
        || fetch.contains(cur.name())
        || fetch.contains(Net.hookedName(cur.name()))) {
      return null;
    }
    Node n = c.get(0);
    return claimed.contains(n.name()) ? null : n;
  }
}
