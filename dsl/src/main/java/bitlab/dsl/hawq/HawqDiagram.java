package bitlab.dsl.hawq;

import bitlab.dsl.display.Diagram;
import bitlab.dsl.display.Flow;
import bitlab.hardware.Bits;
import bitlab.search.hawq.IlpProblem;
import bitlab.search.hawq.IlpSolution;
import bitlab.search.hawq.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HAWQ-V3's pipeline with the numbers of one plan: Hessian traces per layer, the perturbation Ω of each candidate,
 * the integer program they make with the budgets, and the bits it chose.
 */
public final class HawqDiagram {
  /** Layers listed per box; more are summarised in one line. */
  private static final int SHOWN = 8;

  private HawqDiagram() {}

  public static Diagram of(Plan plan) {
    IlpProblem p = plan.problem();
    List<String> traces = new ArrayList<>();
    List<String> omegas = new ArrayList<>();
    List<String> chosen = new ArrayList<>();
    int variables = 0;
    for (IlpProblem.Layer l : p.layers()) variables += l.candidates().size();
    for (int i = 0; i < p.layers().size(); i++) {
      IlpProblem.Layer l = p.layers().get(i);
      if (i == SHOWN) {
        String more = "... " + (p.layers().size() - SHOWN) + " more layers";
        traces.add(more);
        omegas.add(more);
        chosen.add(more);
        break;
      }
      traces.add(String.format(
          Locale.ROOT, "%s  %.3e", l.name(), plan.traces().layer(l.name()).average()));
      List<String> parts = new ArrayList<>();
      for (int k = 0; k < l.candidates().size(); k++)
        parts.add(String.format(Locale.ROOT, "%s %.2e", l.candidates().get(k), l.omega()[k]));
      omegas.add(l.name() + "  " + String.join(", ", parts));
      Bits b = plan.bits(l.name());
      chosen.add(String.format(Locale.ROOT, "%s  %s  Ω %.3e", l.name(), b, l.omega()[l.index(b)]));
    }
    List<String> ilp = new ArrayList<>();
    ilp.add("minimise Σ Ω over " + variables + " yes/no choices");
    ilp.add("one candidate per layer (" + p.layers().size() + " layers)");
    for (IlpSolution.Usage u : plan.solution().usage()) {
      ilp.add(String.format(Locale.ROOT, "%s ≤ %s %s", u.budget(), amount(u.limit()), u.unit()));
    }
    if (!p.fixed().isEmpty()) ilp.add("fixed: " + p.fixed());
    if (!p.ties().isEmpty()) ilp.add("tied: " + p.ties());
    chosen.add(String.format(
        Locale.ROOT, "total Ω %.4e, %s", plan.omega(), plan.solution().verdict()));
    List<Flow.Box> boxes = List.of(
        new Flow.Box("1. Hessian traces", prepend("average trace per layer", traces), null),
        new Flow.Box("2. perturbation Ω", prepend("avg trace × ‖Q(W) − W‖²", omegas), null),
        new Flow.Box("3. integer program", ilp, null),
        new Flow.Box("4. plan", chosen, "#eaf6ea"));
    List<String> labels = List.of("× error²", "Ω, costs", "solve");
    String heading = plan.title() + ": from curvature to bits";
    String svg = Flow.svg(heading, boxes, labels, 2, width(boxes));
    StringBuilder text = new StringBuilder();
    for (Flow.Box b : boxes)
      text.append(b.title()).append(": ").append(String.join("; ", b.lines())).append('\n');
    return new Diagram(
        "The HAWQ-V3 pipeline of " + plan.title(), text.toString().stripTrailing(), svg);
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> out = new ArrayList<>();
    out.add(first);
    out.addAll(rest);
    return out;
  }

  private static int width(List<Flow.Box> boxes) {
    int chars = 0;
    for (Flow.Box b : boxes) for (String l : b.lines()) chars = Math.max(chars, l.length());
    return Math.max(180, Math.min(330, 6 * chars + 16));
  }

  private static String amount(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? String.format(Locale.ROOT, "%,d", (long) v)
        : String.format(Locale.ROOT, "%,.6g", v);
  }
}
