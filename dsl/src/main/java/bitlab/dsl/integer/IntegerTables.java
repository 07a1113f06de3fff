package bitlab.dsl.integer;

import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.integer.LayerTrace;
import bitlab.integer.Profile;
import bitlab.integer.Trace;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Integer-only programs, traces and latencies as Tablesaw tables. */
public final class IntegerTables {
  private IntegerTables() {}

  /** One row per step: operator, bits, bytes, MACs, kernel and dyadic multipliers. */
  public static Table program(IntegerModel iq) {
    StringColumn node = StringColumn.create("step");
    StringColumn op = StringColumn.create("op");
    StringColumn w = StringColumn.create("weights");
    StringColumn out = StringColumn.create("output");
    LongColumn bytes = LongColumn.create("bytes");
    LongColumn macs = LongColumn.create("MACs/image");
    StringColumn kernel = StringColumn.create("kernel");
    StringColumn mult = StringColumn.create("dyadic multipliers b/2^c");
    for (IntegerModel.LayerSummary l : iq.layers()) {
      node.append(l.node());
      op.append(l.op());
      w.append(l.weightBits() == 0 ? "" : "int" + l.weightBits());
      out.append(
          l.outputBits() == 0
              ? (l.op().startsWith("Linear") || l.op().startsWith("Conv")
                  ? "int32 -> float logits"
                  : "")
              : "int" + l.outputBits());
      bytes.append(l.bytes());
      macs.append(l.macs());
      kernel.append(l.kernel());
      mult.append(l.multipliers());
    }
    return Table.create(
        "integer-only " + iq.name() + " " + iq.source().policy().summary(),
        node,
        op,
        w,
        out,
        bytes,
        macs,
        kernel,
        mult);
  }

  public static Table trace(Trace t) {
    StringColumn node = StringColumn.create("step");
    StringColumn op = StringColumn.create("op");
    StringColumn shape = StringColumn.create("shape");
    IntColumn bits = IntColumn.create("bits");
    DoubleColumn scale = DoubleColumn.create("scale");
    IntColumn zp = IntColumn.create("zero point");
    StringColumn mult = StringColumn.create("dyadic b/2^c");
    LongColumn elements = LongColumn.create("elements");
    LongColumn sim = LongColumn.create("≠ simulation");
    LongColumn fake = LongColumn.create("≠ fake-quant");
    DoubleColumn fakeMax = DoubleColumn.create("max |diff| fake-quant");
    for (LayerTrace r : t.rows()) {
      node.append(r.node());
      op.append(r.op());
      shape.append(r.shape());
      bits.append(r.bits());
      scale.append(
          Float.isNaN(r.scale())
              ? Double.NaN
              : Double.parseDouble(String.format("%.4g", r.scale())));
      zp.append(r.zeroPoint());
      mult.append(r.multipliers());
      elements.append(r.elements());
      sim.append(r.simMismatches());
      if (r.fakeMismatches() < 0) fake.appendMissing();
      else fake.append(r.fakeMismatches());
      fakeMax.append(Double.parseDouble(String.format("%.4g", r.fakeMaxDiff())));
    }
    return Table.create(
        "trace of " + t.model() + " " + t.policy() + " on " + t.images() + " images",
        node,
        op,
        shape,
        bits,
        scale,
        zp,
        mult,
        elements,
        sim,
        fake,
        fakeMax);
  }

  public static Table latency(Latency l) {
    IntColumn batch = IntColumn.create("batch");
    DoubleColumn in = DoubleColumn.create("integer ms");
    DoubleColumn fp = DoubleColumn.create("FP32 ms");
    DoubleColumn fq = DoubleColumn.create("fake-quant ms");
    DoubleColumn ratio = DoubleColumn.create("integer / FP32");
    DoubleColumn ips = DoubleColumn.create("integer images/s");
    for (Latency.Row r : l.rows()) {
      batch.append(r.batch());
      in.append(round(r.integerMs()));
      fp.append(round(r.fp32Ms()));
      fq.append(round(r.fakeQuantMs()));
      ratio.append(round(r.ratioToFp32()));
      ips.append(Math.round(r.integerImagesPerSecond()));
    }
    return Table.create(
        "latency of " + l.model() + " " + l.policy() + " (median per batch)",
        batch,
        in,
        fp,
        fq,
        ratio,
        ips);
  }

  /** One row per step: time, share, GMAC/s, the kernel and why it runs (and a reference runtime's time where measured). */
  public static Table profile(Profile p) {
    StringColumn step = StringColumn.create("step");
    StringColumn op = StringColumn.create("op");
    DoubleColumn ms = DoubleColumn.create("ms");
    DoubleColumn share = DoubleColumn.create("share %");
    DoubleColumn gmacs = DoubleColumn.create("GMAC/s");
    DoubleColumn ref =
        DoubleColumn.create(p.reference().isEmpty() ? "reference ms" : p.reference() + " ms");
    StringColumn kernel = StringColumn.create("kernel");
    StringColumn why = StringColumn.create("why");
    for (Profile.Row r : p.rows()) {
      step.append(r.step());
      op.append(r.op());
      ms.append(Math.round(r.ms() * 1000) / 1000.0);
      share.append(Math.round(1000 * p.share(r)) / 10.0);
      if (Double.isNaN(r.gmacs())) gmacs.appendMissing();
      else gmacs.append(Math.round(r.gmacs() * 10) / 10.0);
      if (Double.isNaN(r.referenceMs())) ref.appendMissing();
      else ref.append(Math.round(r.referenceMs() * 1000) / 1000.0);
      kernel.append(r.kernel());
      why.append(r.why());
    }
    Table t = Table.create(
        String.format(
            "profile of %s %s, batch %d (each step's median of %d calls)",
            p.model(), p.policy(), p.batch(), p.rounds()),
        step,
        op,
        ms,
        share,
        gmacs);
    if (!p.reference().isEmpty()) t.addColumns(ref);
    return t.addColumns(kernel, why);
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
