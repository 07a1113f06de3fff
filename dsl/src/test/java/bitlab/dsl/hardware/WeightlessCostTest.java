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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  /**
   * A target measured on this machine prices the operators without weights too, each at the time its step of the W8A8
   * integer program took (the operator table measureHardware writes beside the layer table); a lut target without such
   * a table prices none and its summary says why.
   */
  @Test
  void aMeasuredTargetPricesThemAtTheirMeasuredTimes(@TempDir Path dir) throws Exception {
    Model net = Zoo.load("lenet5");
    Target t = bitlab.dsl.Bitlab.measureHardware(net, "here-lenet5", dir.toString(), 1, 1);
    CostReport r = cost(t, net, Bits.W8A8);
    var ops = new StoredWidths(net, PtqConfig.DEFAULT).weightless(Policy.uniform(net, 8, 8));
    assertFalse(ops.isEmpty());
    assertEquals(ops.size(), r.weightless().size());
    List<String> rows = Files.readAllLines(dir.resolve("here-lenet5-operators.csv"));
    for (int i = 0; i < ops.size(); i++) {
      String[] f = rows.get(rows.size() - ops.size() + i).split(",");
      assertEquals(ops.get(i).name(), f[0]);
      assertEquals(ops.get(i).name(), r.weightless().get(i).node());
      assertEquals(Double.parseDouble(f[2]) * 1e-6, r.weightless().get(i).cost().seconds(), 1e-15);
    }
    assertTrue(
        r.summary().contains("operators without weights (not in the layers' total)"), r.summary());
    // The same layer table without its operator table: nothing priced, and the summary says so.
    String yaml = Files.readString(dir.resolve("here-lenet5.yaml"));
    Files.writeString(
        dir.resolve("layers-only.yaml"), yaml.replaceAll("(?m)^  operators: .*\n", ""));
    Target layersOnly =
        bitlab.hardware.catalogue.TargetLoader.fromFile(dir.resolve("layers-only.yaml"));
    CostReport none = cost(layersOnly, net, Bits.W8A8);
    assertEquals(List.of(), none.weightless());
    assertTrue(
        none.summary()
            .endsWith(
                "; operators without weights are not priced (this measured table has no operator table:"
                    + " measureHardware times them)"),
        none.summary());
  }
}
