package bitlab.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The forms the notebooks and tutorials type keep working as the vocabulary changes underneath (a quantized model's
 * integer program and evaluation, a QAT run's model, option names as text beside typed options).
 */
@Tag("slow")
class NotebookFormsTest {

  @Test
  void quantizedModelsAndQatRunsAsNotebooksUseThem() {
    try (Session s = new Session()) {
      String[] cells = {
        "var data = subset(mnist(), 256, 200); var net = zoo(\"lenet5\");",
        "var q = quantize(net, 8, 8).calibrate(data).build(); var iq = q.integer();",
        "System.out.println(q.evaluate(data)); System.out.println(iq.evaluate(data)); System.out.println(q.simulate(data.test()));",
        "var kl = quantize(net, 4, 8).calibrate(data, \"kl\", 64).weights(\"mse\").build(); var typed = quantize(net, 4, 8).calibrate(data, kl(), 64).weights(mse()).build();",
        "if (kl.evaluate(data).correct() != typed.evaluate(data).correct()) throw new AssertionError(\"the name and the typed option differ\");",
        "var run = quantize(net, 4, 4).calibrate(data, \"mse\", 64).qat(1).train(); var qat = run.model();",
        "display(qat.evaluate(data)); run",
        "if (run.stepLosses().length == 0 || run.history().isEmpty()) throw new AssertionError(\"the run lost its history\");",
        "var search = haq(net, data).on(hardware(\"bismo-edge\")).latency(0.5); search.states()",
        "if (!search.budget(Budget.latencyOf8Bit(0.5)).environment().budget().equals(search.environment().budget())) throw new AssertionError(\"latency(0.5) is not a fraction of 8-bit\");",
        "var typed = cost(hardware(\"bismo-edge\"), net, W4A8); if (!typed.total().equals(cost(hardware(\"bismo-edge\"), net, \"W4A8\").total())) throw new AssertionError(\"W4A8 and its text differ\"); compare(hardware(\"bismo-edge\"), net, W8A8, W4A8)",
        "var outs = quantize(net, W8A8).calibrate(data).placement(Placement.OUTPUTS).rounding(Rounding.HALF_UP).build(); if (outs.evaluate(data).correct() != quantize(net, 8, 8).calibrate(data).placement(\"outputs\").rounding(\"half_up\").build().evaluate(data).correct()) throw new AssertionError(\"typed and named placement differ\");",
        "var exact = hawq(net, data).perLayerProbes().curvature(Curvature.EXACT); exact",
        "var plan = hawq(net, data).images(32).probes(2).bits(4, 8).budget(Budget.sizeOf8Bit(0.6)).solve(); plan",
      };
      for (String cell : cells) {
        Session.Result r = s.execute(cell, new Recording());
        assertTrue(r.ok(), () -> cell + "\n" + r.error().plain());
      }
    }
  }
}
