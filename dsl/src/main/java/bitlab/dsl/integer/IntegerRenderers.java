package bitlab.dsl.integer;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.RendererProvider;
import bitlab.dsl.display.Renderers;
import bitlab.dsl.display.TableHtml;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.integer.Profile;
import bitlab.integer.Trace;

/** Renderers of integer-only models, traces and latencies (a {@code RendererProvider} service entry). */
public final class IntegerRenderers implements RendererProvider {

  @Override
  public void registerInto(Renderers r) {
    r.register(IntegerModel.class, IntegerRenderers::program);
    r.register(Trace.class, IntegerRenderers::trace);
    r.register(Latency.class, l -> TableHtml.bundle(IntegerTables.latency(l)));
    r.register(Profile.class, IntegerRenderers::profile);
  }

  static MimeBundle profile(Profile p) {
    String head = String.format(
        "<p><b>%s</b> %s, batch %d: %.2f ms per batch (the median of %d whole calls; the steps' medians below sum to"
            + " %.2f ms), %.1f GMAC/s (%.1f%% of the %s). Instruction set: %s.</p>",
        TableHtml.escape(p.model()),
        TableHtml.escape(p.policy()),
        p.batch(),
        p.callMs(),
        p.rounds(),
        p.totalMs(),
        p.gmacs(),
        100 * p.gmacs() / p.peak().gmacs(),
        TableHtml.escape(p.peak().brief()),
        TableHtml.escape(p.cpu()));
    String foot = p.reference().isEmpty()
        ? "<p>No reference runtime in this profile: <code>./bitlab bench integer profile MODEL</code> puts "
            + "ONNX Runtime's per-node times on the same weights beside these (ONNX Runtime is a test-time dependency of bitlab).</p>"
        : "";
    return MimeBundle.html(
        p.toString(), head + TableHtml.html(IntegerTables.profile(p), 200) + foot);
  }

  static MimeBundle program(IntegerModel iq) {
    String head = String.format(
        "<p><b>%s</b> on integers only, %s: %d steps, %,d bytes of packed weight codes and int32 biases "
            + "(FP32 weights: %,d bytes), rounding %s; only the logits are dequantized.</p>",
        TableHtml.escape(iq.name()),
        TableHtml.escape(iq.source().policy().summary()),
        iq.steps().size(),
        iq.bytes(),
        fp32Bytes(iq),
        iq.source().rounding().name().toLowerCase());
    return MimeBundle.html(iq.toString(), head + TableHtml.html(IntegerTables.program(iq), 80));
  }

  static long fp32Bytes(IntegerModel iq) {
    long n = 0;
    for (var node : iq.source().folded().layers()) {
      n += iq.source().folded().param(node.param("weight")).length();
      if (iq.source().folded().params().containsKey(node.param("bias")))
        n += iq.source().folded().param(node.param("bias")).length();
    }
    return 4 * n;
  }

  static MimeBundle trace(Trace t) {
    String verdict = t.exact()
        ? "<p style=\"color:#1a7f37\"><b>Bit-exact</b>: every step's integers equal the float64 simulation of the same arithmetic.</p>"
        : "<p style=\"color:#cf222e\"><b>Not bit-exact</b>: the integer executor and the simulation part first at step '"
            + TableHtml.escape(t.firstMismatch().node()) + "'.</p>";
    String agree = String.format(
        "<p>Predictions: %d of %d equal to the simulation's, %d of %d to the fake-quantized model's.</p>",
        t.predictionsAgreeSim(), t.images(), t.predictionsAgreeFake(), t.images());
    return MimeBundle.html(
        t.toString(), verdict + TableHtml.html(IntegerTables.trace(t), 80) + agree);
  }
}
