package bitlab.search.hawq;

import bitlab.hardware.Bits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One bit-allocation problem exactly as the integer linear program sees it: per layer its candidate
 * bit pairs, the perturbation {@code Omega} of each candidate and its cost under each budget; the
 * budget limits; layers fixed at one pair; ties (layers that must share one pair). This is what
 * {@code ./bitlab ilp --input FILE.json} reads, so a published problem replays exactly.
 *
 * <p>Checked on construction; every inconsistency is an {@link IlpInputException} naming the entry.
 *
 * @param layers the layers, each with its candidates, perturbations and costs
 * @param limits the budgets: a name every layer has costs for, a unit for messages, the upper limit
 * @param fixed  layers that must take one pair (which must be among their candidates)
 * @param ties   groups of layers that must take the same pair (overlapping groups are merged)
 */
public record IlpProblem(
    List<Layer> layers, List<Limit> limits, Map<String, Bits> fixed, List<List<String>> ties) {

  /** A layer's choices: candidate pairs, the perturbation of each, and per budget name the cost of each. */
  public record Layer(
      String name, List<Bits> candidates, double[] omega, Map<String, double[]> costs) {
    public Layer {
      if (name == null || name.isBlank())
        throw new IlpInputException("Every layer of a bit-allocation problem needs a name.");
      if (candidates == null || candidates.isEmpty())
        throw new IlpInputException("Layer '" + name + "' has no candidate bit pairs.");
      candidates = List.copyOf(candidates);
      if (candidates.stream().distinct().count() != candidates.size()) {
        throw new IlpInputException(
            "Layer '" + name + "' lists a candidate twice: " + candidates + ".");
      }
      if (omega == null || omega.length != candidates.size()) {
        throw new IlpInputException("Layer '" + name + "' has " + candidates.size()
            + " candidates but " + (omega == null ? "no" : omega.length)
            + " perturbation values; give one Omega per candidate.");
      }
      for (double o : omega) {
        if (!Double.isFinite(o))
          throw new IlpInputException(
              "Layer '" + name + "' has a perturbation that is not a finite number: "
                  + Arrays.toString(omega) + ".");
      }
      omega = omega.clone();
      Map<String, double[]> c = new LinkedHashMap<>();
      for (Map.Entry<String, double[]> e :
          (costs == null ? Map.<String, double[]>of() : costs).entrySet()) {
        double[] v = e.getValue();
        if (v == null || v.length != candidates.size()) {
          throw new IlpInputException("Layer '" + name + "' has " + candidates.size()
              + " candidates but " + (v == null ? "no" : v.length) + " '" + e.getKey()
              + "' costs; give one cost per candidate.");
        }
        for (double x : v) {
          if (!(x >= 0) || Double.isInfinite(x)) {
            throw new IlpInputException("Layer '" + name + "' has a '" + e.getKey()
                + "' cost that is negative or not finite: " + Arrays.toString(v) + ".");
          }
        }
        c.put(e.getKey(), v.clone());
      }
      costs = java.util.Collections.unmodifiableMap(c);
    }

    public int index(Bits bits) {
      return candidates.indexOf(bits);
    }
  }

  /** An upper limit on the sum of one cost over the layers. */
  public record Limit(String budget, String unit, double limit) {
    public Limit {
      if (budget == null || budget.isBlank())
        throw new IlpInputException("Every budget needs a name.");
      unit = unit == null ? "" : unit;
      if (!(limit > 0) || Double.isInfinite(limit)) {
        throw new IlpInputException("Budget '" + budget + "' has limit " + limit
            + "; a limit must be a positive finite number.");
      }
    }
  }

  public IlpProblem {
    if (layers == null || layers.isEmpty())
      throw new IlpInputException("A bit-allocation problem needs at least one layer.");
    layers = List.copyOf(layers);
    limits = List.copyOf(limits == null ? List.of() : limits);
    fixed = java.util.Collections.unmodifiableMap(
        new LinkedHashMap<>(fixed == null ? Map.of() : fixed));
    ties = (ties == null ? List.<List<String>>of() : ties)
        .stream().map(List::copyOf).toList();
    Map<String, Layer> byName = new HashMap<>();
    for (Layer l : layers) {
      if (byName.put(l.name(), l) != null)
        throw new IlpInputException("Layer '" + l.name() + "' appears twice in the problem.");
    }
    List<String> seen = new ArrayList<>();
    for (Limit lim : limits) {
      if (seen.contains(lim.budget()))
        throw new IlpInputException("Budget '" + lim.budget() + "' is given twice.");
      seen.add(lim.budget());
      for (Layer l : layers) {
        if (!l.costs().containsKey(lim.budget())) {
          throw new IlpInputException("Layer '" + l.name() + "' has no '" + lim.budget()
              + "' costs, which budget '" + lim.budget() + "' needs; it has "
              + (l.costs().isEmpty() ? "none" : String.join(", ", l.costs().keySet())) + ".");
        }
      }
    }
    for (Map.Entry<String, Bits> f : fixed.entrySet()) {
      Layer l = byName.get(f.getKey());
      if (l == null)
        throw new IlpInputException("Fixed layer '" + f.getKey()
            + "' is not in the problem; its layers are " + names(layers) + ".");
      if (f.getValue() == null || l.index(f.getValue()) < 0) {
        throw new IlpInputException("Layer '" + f.getKey() + "' is fixed at " + f.getValue()
            + ", which is not among its candidates " + l.candidates() + ".");
      }
    }
    for (List<String> tie : ties) {
      if (tie.size() < 2)
        throw new IlpInputException("A tie needs at least two layers, got " + tie + ".");
      for (String n : tie) {
        if (!byName.containsKey(n))
          throw new IlpInputException("Tied layer '" + n
              + "' is not in the problem; its layers are " + names(layers) + ".");
      }
    }
    groups(layers, fixed, ties); // checks ties against candidates and fixed layers
  }

  public Layer layer(String name) {
    for (Layer l : layers) if (l.name().equals(name)) return l;
    throw new IlpInputException(
        "Layer '" + name + "' is not in the problem; its layers are " + names(layers) + ".");
  }

  /** The layers merged by ties: what the solver chooses for, one pair per group. */
  List<Group> groups() {
    return groups(layers, fixed, ties);
  }

  /**
   * Tied layers decide together. {@code choices} are the group's allowed pairs (one if a member is
   * fixed); {@code index[m][k]} is member m's candidate index for choice k.
   */
  record Group(int[] members, List<Bits> choices, int[][] index) {}

  private static List<Group> groups(
      List<Layer> layers, Map<String, Bits> fixed, List<List<String>> ties) {
    int n = layers.size();
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) parent[i] = i;
    Map<String, Integer> at = new HashMap<>();
    for (int i = 0; i < n; i++) at.put(layers.get(i).name(), i);
    for (List<String> tie : ties) {
      int root = find(parent, at.get(tie.get(0)));
      for (String s : tie) parent[find(parent, at.get(s))] = root;
    }
    Map<Integer, List<Integer>> members = new LinkedHashMap<>();
    for (int i = 0; i < n; i++)
      members.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
    List<Group> out = new ArrayList<>();
    for (List<Integer> m : members.values()) {
      Layer first = layers.get(m.get(0));
      List<Bits> choices = first.candidates();
      String fixedBy = null;
      Bits fixedAt = null;
      for (int i : m) {
        Layer l = layers.get(i);
        if (!new java.util.HashSet<>(l.candidates()).equals(new java.util.HashSet<>(choices))) {
          throw new IlpInputException("Layers '" + first.name() + "' and '" + l.name()
              + "' are tied but have different candidates (" + choices + " and " + l.candidates()
              + "); tied layers need the same candidates.");
        }
        Bits f = fixed.get(l.name());
        if (f != null) {
          if (fixedAt != null && !fixedAt.equals(f)) {
            throw new IlpInputException("Layers '" + fixedBy + "' and '" + l.name()
                + "' are tied (they must share bits) but fixed at " + fixedAt + " and " + f
                + "; fix them at one pair or remove the tie.");
          }
          fixedBy = l.name();
          fixedAt = f;
        }
      }
      if (fixedAt != null) choices = List.of(fixedAt);
      int[][] index = new int[m.size()][choices.size()];
      for (int j = 0; j < m.size(); j++) {
        for (int k = 0; k < choices.size(); k++)
          index[j][k] = layers.get(m.get(j)).index(choices.get(k));
      }
      out.add(
          new Group(m.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(choices), index));
    }
    return out;
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static String names(List<Layer> layers) {
    return layers.stream().map(Layer::name).collect(Collectors.joining(", "));
  }
}
