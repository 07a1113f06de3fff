package bitlab.dsl.hardware;

import static bitlab.dsl.Bitlab.cost;
import static bitlab.dsl.Bitlab.hardware;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.hardware.TensorCost;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.StoredWidths;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/**
 * A cost report prices the operators without weights (ResNet-18's max and global pooling; its residual Adds
 * run inside the layers whose accumulators feed them) in rows of their own with their own total: the layers' rows and total, which budgets and searches count,
 * are what they were.
 */
class WeightlessCostTest {
  @Test
  void theOperatorsWithoutWeightsHaveTheirOwnRowsAndTotal() {
    Model net = Zoo.architecture("resnet18", 64, 1.0, 1);
    for (String name : new String[] {"bitfusion", "bismo-edge", "roofline-cpu"}) {
      Target t = hardware(name);
      CostReport r = cost(t, net, Bits.W8A8);
      assertEquals(t.cost(net.workloads(), Bits.W8A8).total(), r.total(), name);
      var ops = new StoredWidths(net, PtqConfig.DEFAULT).weightless(Policy.uniform(net, 8, 8));
      assertFalse(ops.isEmpty());
      assertEquals(t.weightless(ops), r.weightless(), name);
      Table table = r.weightlessTable();
      assertEquals(ops.size() + 1, table.rowCount());
      int last = table.rowCount() - 1;
      assertEquals("total", table.stringColumn("operator").get(last));
      double sum = r.weightless().stream().mapToDouble(c -> c.cost().millis()).sum();
      assertEquals(sum, table.doubleColumn("latency ms").get(last), 1e-12);
      assertEquals(sum, r.weightlessTotal().millis(), 1e-12);
      assertTrue(sum > 0, name);
      assertTrue(
          r.summary()
              .contains(String.format(
                  "; plus %.4f ms and %.4f mJ in %d operators without weights (not in the layers' total)",
                  r.weightlessTotal().millis(), r.weightlessTotal().millijoules(), ops.size())),
          r.summary());
      System.out.println(r.summary() + "\n" + table.printAll());
      MimeBundle b = Renderers.standard().render(r);
      for (TensorCost c : r.weightless())
        assertTrue(b.data().get(MimeBundle.HTML).contains(">" + c.node() + "<"), c.node());
    }
  }
}
