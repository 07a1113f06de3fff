package bitlab.dsl.hardware;

import bitlab.hardware.Bits;
import bitlab.hardware.Bound;
import bitlab.hardware.Target;
import bitlab.model.Model;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** One model at one policy on several targets: a row per target with totals and where the time goes. */
public final class AcrossTargets {

  private AcrossTargets() {}

  public static Table table(Model net, List<Bits> policy, List<Target> targets) {
    StringColumn name = StringColumn.create("target");
    StringColumn kind = StringColumn.create("kind");
    IntColumn batch = IntColumn.create("batch");
    DoubleColumn run = Comparison.number("ms per run", 3);
    DoubleColumn image = Comparison.number("ms per image", 3);
    DoubleColumn energy = Comparison.number("mJ per run", 3);
    IntColumn compute = IntColumn.create("compute-bound layers");
    IntColumn memory = IntColumn.create("memory-bound layers");
    DoubleColumn dw = Comparison.number("depthwise %", 1);
    DoubleColumn pw = Comparison.number("pointwise %", 1);
    for (Target t : targets) {
      CostReport r = CostReport.price(t, net, policy);
      double total = r.total().seconds();
      name.append(t.name());
      kind.append(t.kind());
      batch.append(t.batch());
      run.append(r.total().millis());
      image.append(r.millisPerImage());
      energy.append(r.total().millijoules());
      compute.append((int) r.cost().count(Bound.COMPUTE));
      memory.append((int) r.cost().count(Bound.MEMORY));
      dw.append(total == 0 ? 0 : 100 * r.seconds("depthwise") / total);
      pw.append(total == 0 ? 0 : 100 * r.seconds("pointwise") / total);
    }
    return Table.create(
        net.name() + " at " + Policies.describe(policy) + " across targets",
        name,
        kind,
        batch,
        run,
        image,
        energy,
        compute,
        memory,
        dw,
        pw);
  }
}
