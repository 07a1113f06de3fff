package bitlab.dsl.integer;

import bitlab.dsl.display.Diagram;
import bitlab.dsl.display.Flow;
import bitlab.dsl.display.Svg;
import bitlab.integer.IntegerModel;
import bitlab.integer.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * An integer-only program as a picture: one box per step in execution order, with its weight width, its output
 * width and its dyadic rescales {@code b/2^c}; the arrows carry integer codes, and a step that reads a tensor other
 * than the previous step's output (a residual addition, a downsample branch) says which.
 */
public final class IntegerDiagram {
  private IntegerDiagram() {}

  public static Diagram of(IntegerModel iq) {
    List<IntegerModel.LayerSummary> layers = iq.layers();
    List<Step> steps = iq.steps();
    List<Flow.Box> boxes = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < layers.size(); i++) {
      IntegerModel.LayerSummary l = layers.get(i);
      List<String> lines = new ArrayList<>();
      lines.add(l.op());
      String bits = (l.weightBits() > 0 ? l.weightBits() + "-bit weights" : "")
          + (l.weightBits() > 0 && l.outputBits() > 0 ? ", " : "")
          + (l.outputBits() > 0 ? l.outputBits() + "-bit output" : "");
      if (i == layers.size() - 1 && l.outputBits() == 0)
        bits += (bits.isEmpty() ? "" : ", ") + "int32 logits";
      if (!bits.isEmpty()) lines.add(bits);
      for (String m : l.multipliers().split(", ")) if (!m.isBlank()) lines.add("× " + m.trim());
      String previous = i == 0 ? "" : steps.get(i - 1).node();
      List<String> others = new ArrayList<>();
      for (String in : steps.get(i).inputs()) if (!in.equals(previous)) others.add(in);
      if (i > 0 && !others.isEmpty()) lines.add("also reads " + String.join(", ", others));
      String fill = l.weightBits() > 0 ? Svg.PALE : "#f6f6f6";
      boxes.add(new Flow.Box(l.node(), lines, fill));
      if (i + 1 < layers.size()) labels.add(l.outputBits() > 0 ? "int" + l.outputBits() : "");
      text.append(String.format("  %s: %s%n", l.node(), String.join("; ", lines)));
    }
    String heading = "integer-only " + iq.name() + " " + iq.source().policy().summary()
        + ": arrows carry integer codes; × b/2^c is one integer multiply and one rounding shift";
    String svg = Flow.svg(heading, boxes, labels, 3, 250);
    return new Diagram(
        "The integer pipeline of " + iq.name() + " " + iq.source().policy().summary(),
        text.toString().stripTrailing(),
        svg);
  }
}
