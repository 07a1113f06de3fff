package bitlab.integer;

import bitlab.data.Samples;
import bitlab.hardware.TensorWorkload;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantException;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import bitlab.quant.StoredWidths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The operators without weights of a model (those {@code StoredWidths.weightless} lists: Add, pooling, Concat,
 * look-ups, LRN, a standalone BatchNorm, channel shuffles...), each timed as the step of the model's W8A8 integer
 * program that runs it: statically quantized on a few seeded normal images, then profiled on a batch of them (the
 * median of several calls per step). The executor carries every code of up to 8 bits in a byte, so narrower widths
 * run these steps at the same speed. When the model has no integer program, or an operator has no step of its own,
 * nothing is timed and {@link #note} says why.
 *
 * @param names  the operators, in graph order
 * @param types  their operator types
 * @param micros their median times per batch, microseconds
 * @param note   what was timed, or why nothing was
 */
public record OperatorTimes(List<String> names, List<String> types, double[] micros, String note) {
  /** Seeded normal images the program is calibrated on. */
  private static final int CALIBRATION = 8;

  public OperatorTimes {
    names = List.copyOf(names);
    types = List.copyOf(types);
  }

  public boolean measured() {
    return !names.isEmpty();
  }

  /** Times {@code net}'s operators without weights at batch {@code batch}, the median of {@code rounds} calls. */
  static OperatorTimes profile(Model net, int batch, int rounds) {
    QuantizedModel q;
    IntegerModel program;
    try {
      Nd4j.getRandom().setSeed(1);
      INDArray images = Nd4j.randn(DataType.FLOAT, net.inputShape().withBatch(CALIBRATION));
      Samples calibration = new Samples(
          "seeded normal images",
          images,
          new int[CALIBRATION],
          net.outputShape().channels());
      q = Quantizer.ptq(net, Policy.uniform(net, 8, 8), calibration, PtqConfig.DEFAULT);
      program = IntegerModel.of(q);
    } catch (IntegerException | QuantException e) {
      return none("operators without weights not timed: the W8A8 program does not compile ("
          + e.getMessage() + ")");
    }
    List<TensorWorkload> ops = new StoredWidths(q.folded(), q.config()).weightless(q.policy());
    if (ops.isEmpty()) return none("the model has no operators without weights");
    Nd4j.getRandom().setSeed(2);
    Profile p = program.profile(
        Nd4j.randn(DataType.FLOAT, net.inputShape().withBatch(batch)), Math.max(rounds, 3));
    Map<String, Double> byStep = new HashMap<>();
    for (Profile.Row r : p.rows()) byStep.put(r.step(), r.ms() * 1e3);
    Model m = q.folded();
    Map<String, List<Node>> readers = m.readers();
    List<String> names = new ArrayList<>(), types = new ArrayList<>();
    double[] micros = new double[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      TensorWorkload w = ops.get(i);
      Double t = stepOf(w.name(), byStep, readers);
      if (t == null)
        return none("operators without weights not timed: '" + w.name() + "' (" + w.op()
            + ") has no step of its own in the integer program");
      names.add(w.name());
      types.add(w.op());
      micros[i] = t;
    }
    return new OperatorTimes(
        names,
        types,
        micros,
        names.size()
            + " operators without weights timed as the steps of the W8A8 program (median of "
            + Math.max(rounds, 3) + " calls)");
  }

  /** The time of the step that runs {@code node}: its own, or that of the ReLU chain it is fused into. */
  private static Double stepOf(
      String node, Map<String, Double> byStep, Map<String, List<Node>> readers) {
    String cur = node;
    while (!byStep.containsKey(cur)) {
      List<Node> r = readers.getOrDefault(cur, List.of());
      if (r.size() != 1 || !(r.get(0).op() instanceof Op.Relu || r.get(0).op() instanceof Op.Relu6))
        return null;
      cur = r.get(0).name();
    }
    return byStep.get(cur);
  }

  private static OperatorTimes none(String why) {
    return new OperatorTimes(List.of(), List.of(), new double[0], why);
  }

  /** The table in the {@code lut} kind's operator format (microseconds per batch). */
  String csv(String model, int batch, int rounds) {
    StringBuilder b = new StringBuilder();
    b.append("# ")
        .append(model)
        .append("'s operators without weights, ")
        .append(note)
        .append(", batch ")
        .append(batch)
        .append("; latency in microseconds per batch.\n");
    b.append("operator,type,latency\n");
    for (int i = 0; i < names.size(); i++)
      b.append(String.format("%s,%s,%.3f%n", names.get(i), types.get(i), micros[i]));
    return b.toString();
  }
}
