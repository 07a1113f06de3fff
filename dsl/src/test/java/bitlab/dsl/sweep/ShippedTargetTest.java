package bitlab.dsl.sweep;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.dsl.Bitlab;
import bitlab.dsl.sweep.job.JobRunner;
import bitlab.dsl.sweep.job.LiveInputs;
import bitlab.dsl.sweep.job.SweepJob;
import bitlab.dsl.sweep.job.SweepRow;
import bitlab.dsl.sweep.ship.Shipment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
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
