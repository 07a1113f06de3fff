package bitlab.dsl.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.dsl.Bitlab;
import bitlab.dsl.sweep.job.JobRunner;
import bitlab.dsl.sweep.job.LiveInputs;
import bitlab.dsl.sweep.job.SweepJob;
import bitlab.dsl.sweep.job.SweepRow;
import bitlab.dsl.sweep.ship.Shipment;
import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.quant.PtqConfig;
import bitlab.search.haq.Pricing;
import bitlab.search.haq.Resource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A job at a budget tight enough that pricing by stored widths and by own widths let different policies through
 * (notebook 05's job 2: random search, seed 1, bismo-edge at latency 0.4) gives the same row from the live inputs
 * and from the shipment serialized and rebuilt, as another JVM gets it.
 */
@Tag("slow")
class ShippedTargetTest {

  @Test
  void aTightBudgetGivesTheSameRowFromLiveAndFromShippedInputs() throws Exception {
    Dataset data = Bitlab.subset(Bitlab.mnist(), 2000, 500);
    Sweep grid = Bitlab.sweep()
        .models("lenet5")
        .data(data)
        .targets("bismo-edge")
        .latency(0.4)
        .methods("random")
        .seeds(1)
        .episodes(8)
        .images(300, 128);
    SweepJob job = grid.jobs().get(0);
    LiveInputs live = new LiveInputs(
        Map.of("lenet5", Bitlab.zoo("lenet5")),
        Map.of(job.data(), data),
        Map.of("bismo-edge", Bitlab.hardware("bismo-edge")));
    List<String> targets = List.of("bismo-edge");

    SweepRow here = JobRunner.run(job, live, targets, 1, "test");
    SweepRow there = JobRunner.run(job, roundTrip(Shipment.of(live)).open(), targets, 1, "test");
    assertTrue(there.sameResult(here), there + "\n against " + here);

    // the row shows the cost the budget bounded: tensors at their stored widths, as the search
    // priced them
    Model net = live.model("lenet5");
    Target edge = live.target("bismo-edge", net);
    List<Bits> policy = Arrays.stream(here.policy().split(" "))
        .map(l -> l.substring(l.indexOf(':') + 1).split("/"))
        .map(wa -> new Bits(Integer.parseInt(wa[0]), Integer.parseInt(wa[1])))
        .toList();
    Pricing stored = Pricing.of(net, edge, PtqConfig.DEFAULT);
    Pricing own = Pricing.of(net.workloads(), edge);
    double ratio = stored.cost(Resource.LATENCY, policy) / stored.uniform(Resource.LATENCY, 8, 8);
    assertEquals(ratio, here.costVs8Bit(), 1e-12, here.toString());
    assertTrue(here.costVs8Bit() <= 0.4 + 1e-12, here.toString());
    assertEquals(
        Resource.LATENCY.display(stored.cost(Resource.LATENCY, policy)),
        here.costs().get("latency_ms@bismo-edge"),
        1e-12);
    // and the two pricings differ here, so the row could not pass above by pricing each layer at
    // its own widths
    assertNotEquals(
        ratio, own.cost(Resource.LATENCY, policy) / own.uniform(Resource.LATENCY, 8, 8), 1e-6);
  }

  private static Shipment roundTrip(Shipment s) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (Shipment) in.readObject();
    }
  }
}
