package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each wither changes its own component and keeps every other one. */
class PtqConfigTest {

  @Test
  void eachWitherChangesExactlyItsComponent() throws Exception {
    Map<String, UnaryOperator<PtqConfig>> withers = Map.ofEntries(
        Map.entry("weights", c -> c.withWeights(Calibration.MSE)),
        Map.entry("activations", c -> c.withActivations(Calibration.MSE)),
        Map.entry("perChannel", c -> c.withPerChannel(false)),
        Map.entry("asymmetricActivations", c -> c.withAsymmetricActivations(true)),
        Map.entry("rounding", c -> c.withRounding(Rounding.HALF_UP)),
        Map.entry("biasCorrection", c -> c.withBiasCorrection(true)),
        Map.entry("bins", c -> c.withBins(512)),
        Map.entry("placement", c -> c.withPlacement(Placement.OUTPUTS)),
        Map.entry("equalization", c -> c.withEqualization(true)),
        Map.entry("adaRound", c -> c.withAdaRound(AdaRoundConfig.DEFAULT)),
        Map.entry("streamBits", c -> c.withStreamBits(16)),
        Map.entry("allocation", c -> c.withAllocation(BitAllocation.Target.ACTIVATIONS)));
    RecordComponent[] parts = PtqConfig.class.getRecordComponents();
    assertEquals(parts.length, withers.size(), "a wither per component");
    for (RecordComponent changed : parts) {
      PtqConfig before = PtqConfig.DEFAULT;
      PtqConfig after = withers.get(changed.getName()).apply(before);
      for (RecordComponent p : parts) {
        Object a = p.getAccessor().invoke(before);
        Object b = p.getAccessor().invoke(after);
        if (p == changed) {
          assertEquals(false, java.util.Objects.equals(a, b), changed.getName() + " changed");
        } else {
          assertEquals(a, b, "with " + changed.getName() + ", " + p.getName() + " kept");
        }
      }
    }
  }
}
