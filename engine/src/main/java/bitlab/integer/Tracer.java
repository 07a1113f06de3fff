package bitlab.integer;

import bitlab.quant.QuantizedModel;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds an {@link IntegerModel}'s {@link Trace}: the executor's tensors of one batch (NCHW), step by step beside the
 * float64 simulation of the same arithmetic and the fake-quantized model's values at the same points.
 */
final class Tracer {
  private Tracer() {}

  /**
   * Every step of one batch through the integer executor, compared with the float64 simulation of the
   * same integer arithmetic (bit-exact when the executor is right) and with the fake-quantized model.
   */
  static Trace trace(IntegerModel model, INDArray x) {
    Map<String, IntTensor> ints = model.tensors(x);
    LogitsStep l = model.last();
    QuantizedModel source = model.source();
    int[] acc = l.accumulators(ints.get(l.input()));
    int batch = (int) x.size(0);
    Map<String, INDArray> sim = new HashMap<>();
    Map<String, INDArray> fake = source.pointValues(x);
    INDArray fakeLogits = source.predict(x);
    List<LayerTrace> rows = new ArrayList<>();
    for (Step s : model.steps()) {
      INDArray simOut;
      if (s instanceof QuantizeInputStep qi) {
        simOut = qi.simulate(List.of(x));
      } else {
        List<INDArray> in = new ArrayList<>();
        for (String name : s.inputs()) in.add(sim.get(name));
        simOut = s.simulate(in);
      }
      sim.put(s.node(), simOut);
      if (s instanceof LogitsStep) {
        rows.add(logitsRow(l, acc, simOut, fakeLogits, batch));
      } else {
        rows.add(row(s, ints.get(s.node()), simOut, fake.get(s.node())));
      }
      Work.checkpoint();
    }
    INDArray intLogits = l.logits(acc, batch);
    INDArray simLogits =
        l.logits(Requant.exactInts(sim.get(l.node()).dup('c').data().asDouble()), batch);
    return new Trace(
        model.name(),
        source.policy().summary(),
        batch,
        rows,
        agree(intLogits, simLogits),
        agree(intLogits, fakeLogits));
  }

  private static int agree(INDArray a, INDArray b) {
    INDArray pa = Nd4j.argMax(a, 1), pb = Nd4j.argMax(b, 1);
    int n = 0;
    for (int i = 0; i < pa.length(); i++) if (pa.getInt(i) == pb.getInt(i)) n++;
    return n;
  }

  private static LayerTrace row(Step s, IntTensor t, INDArray simCodes, INDArray fakeValues) {
    double[] sim = simCodes.dup('c').data().asDouble();
    long simBad = 0, fakeBad = fakeValues == null ? -1 : 0;
    double simMax = 0, fakeMax = 0;
    float[] fake = fakeValues == null
        ? null
        : fakeValues
            .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
            .dup('c')
            .data()
            .asFloat();
    for (int i = 0; i < t.length(); i++) {
      int c = t.code(i);
      double d = Math.abs(c - sim[i]);
      if (d != 0) simBad++;
      simMax = Math.max(simMax, d);
      if (fake != null) {
        int fc = t.params()
            .quantize(fake[i], 0); // the simulation's value is on the grid: this recovers its code
        int df = Math.abs(c - fc);
        if (df != 0) fakeBad++;
        fakeMax = Math.max(fakeMax, df);
      }
    }
    return new LayerTrace(
        s.node(),
        s.op(),
        t.shape().toString(),
        t.params().spec().bits(),
        t.scale(),
        t.zeroPoint(),
        s.rescaling(),
        t.length(),
        simBad,
        simMax,
        fakeBad,
        fakeMax);
  }

  private static LayerTrace logitsRow(
      LogitsStep l, int[] acc, INDArray simAcc, INDArray fakeLogits, int batch) {
    double[] sim = simAcc.dup('c').data().asDouble();
    long bad = 0;
    double max = 0;
    for (int i = 0; i < acc.length; i++) {
      double d = Math.abs(acc[i] - sim[i]);
      if (d != 0) bad++;
      max = Math.max(max, d);
    }
    float[] ours = l.logits(acc, batch).dup('c').data().asFloat();
    float[] fq = fakeLogits
        .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
        .dup('c')
        .data()
        .asFloat();
    double fmax = 0;
    for (int i = 0; i < ours.length; i++) fmax = Math.max(fmax, Math.abs(ours[i] - fq[i]));
    return new LayerTrace(
        l.node(),
        l.op() + " (logits)",
        batch + "x" + l.layer().geometry().outChannels(),
        32,
        Float.NaN,
        0,
        "dequantized",
        acc.length,
        bad,
        max,
        -1,
        fmax);
  }

  /** The range of a step's dyadic multipliers, e.g. {@code 1493015427/2^38 .. 1779251241/2^37}. */
  static String multipliers(Step s) {
    Dyadic[] m = null;
    if (s instanceof ConvStep c) m = c.multipliers();
    else if (s instanceof RescaleStep r) m = r.multipliers();
    else if (s instanceof AvgPoolStep a) m = new Dyadic[] {a.byCount()[a.byCount().length - 1]};
    else if (s instanceof ResidualStep r)
      return r.factorA() + "/2^" + r.shift() + ", " + r.factorB() + "/2^" + r.shift();
    else if (s instanceof AccumulatorAddStep a) {
      long lo = Long.MAX_VALUE, hi = 0;
      for (long f : a.factors()) {
        lo = Math.min(lo, f);
        hi = Math.max(hi, f);
      }
      return (lo == hi ? String.valueOf(lo) : lo + ".." + hi) + "/2^" + a.shift() + ", "
          + a.factorB() + "/2^" + a.shift();
    }
    if (m == null || m.length == 0) return "";
    Dyadic lo = m[0], hi = m[0];
    for (Dyadic d : m) {
      if (d.value() < lo.value()) lo = d;
      if (d.value() > hi.value()) hi = d;
    }
    return lo.equals(hi) ? lo.toString() : lo + " .. " + hi;
  }
}
