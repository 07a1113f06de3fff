package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Quantizer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileTest {

  @Test
  void every_step_is_timed_and_every_layer_says_which_kernel_ran_and_why() {
    Dataset mnist = Datasets.mnist();
    Model net = Zoo.load("resnet-mini");
    IntegerModel iq = Deployment.integer(
        Quantizer.ptq(net, Policy.uniform(net, 8, 8), mnist.train().take(32), PtqConfig.DEFAULT));
    Profile p = iq.profile(mnist, 4, 3);
    assertEquals(iq.steps().size(), p.rows().size());
    assertEquals(4, p.batch());
    double shares = 0;
    long macs = 0;
    for (Profile.Row r : p.rows()) {
      assertTrue(r.ms() > 0, r.toString());
      shares += p.share(r);
      macs += r.macs();
      if (r.macs() > 0) {
        assertTrue(r.gmacs() > 0, r.toString());
        assertTrue(
            !r.why().isEmpty() && (r.why().startsWith("oneDNN") || r.why().startsWith(r.kernel())),
            r.why());
      } else {
        assertTrue(Double.isNaN(r.gmacs()), r.toString());
      }
      assertTrue(Double.isNaN(r.referenceMs()));
    }
    assertEquals(1.0, shares, 1e-9);
    assertEquals(4 * net.macs(), macs, "the layers' MACs add up to the network's");
    assertTrue(p.toString().contains("instruction set: "), p.toString());
    // the whole call's median beside the sum of the steps' medians: a call runs every step, so its
    // median cannot be far below that sum
    assertTrue(p.callMs() > 0.5 * p.totalMs(), p.callMs() + " ms a call, steps " + p.totalMs());
    assertTrue(
        p.toString().contains(String.format("%.2f ms a call (median)", p.callMs()))
            && p.toString().contains(String.format("medians below sum to %.2f ms", p.totalMs())),
        p.toString());

    Profile ref = p.withReference("a reference", Map.of("stem.relu", 0.5));
    assertEquals(0.5, ref.rows().get(1).referenceMs());
    assertTrue(Double.isNaN(ref.rows().get(2).referenceMs()));
    assertTrue(ref.toString().contains("ref: a reference"), ref.toString());

    String none =
        assertThrows(IntegerException.class, () -> iq.profile(mnist, 0, 3)).getMessage();
    assertTrue(none.startsWith("Profile 1..2000 images of ") && none.endsWith(", not 0."), none);
    assertEquals(
        "Profile at least one call, got 0.",
        assertThrows(IntegerException.class, () -> iq.profile(mnist, 1, 0)).getMessage());
  }
}
