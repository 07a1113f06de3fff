package bitlab.dsl.sweep.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each wither changes its own components and keeps every other one; the constructor still checks the copy. */
class SweepSettingsTest {
  private static final SweepSettings BASE = SweepSettings.DEFAULT.withWarmup(20);

  @Test
  void eachWitherChangesExactlyItsComponents() throws Exception {
    Map<UnaryOperator<SweepSettings>, Set<String>> withers = Map.of(
        s -> s.withEpisodes(50), Set.of("episodes"),
        s -> s.withEpisodes(10), Set.of("episodes", "warmup"),
        s -> s.withWarmup(5), Set.of("warmup"),
        s -> s.withImages(300, 64), Set.of("validationImages", "calibrationImages"),
        s -> s.withValidationSplit(0.1, 7), Set.of("validationFraction", "validationSeed"),
        s -> s.withHawq(List.of(2, 4, 8), 64, 10), Set.of("hawqBits", "hawqImages", "hawqProbes"),
        s -> s.withInteger(false), Set.of("integer"));
    RecordComponent[] parts = SweepSettings.class.getRecordComponents();
    for (var w : withers.entrySet()) {
      SweepSettings after = w.getKey().apply(BASE);
      for (RecordComponent p : parts) {
        Object a = p.getAccessor().invoke(BASE);
        Object b = p.getAccessor().invoke(after);
        if (w.getValue().contains(p.getName())) assertNotEquals(a, b, p.getName() + " changed");
        else assertEquals(a, b, p.getName() + " kept by a wither of " + w.getValue());
      }
    }
    // fewer episodes than the warm-up pulls the warm-up down with them
    assertEquals(10, BASE.withEpisodes(10).warmup());
  }

  @Test
  void aCopyIsCheckedLikeANewOne() {
    SweepException e = assertThrows(SweepException.class, () -> BASE.withValidationSplit(1.5, 1));
    assertEquals(
        "The validation split is a fraction of the training split in (0, 1), got 1.5.",
        e.getMessage());
    assertThrows(SweepException.class, () -> BASE.withHawq(List.of(), 64, 10));
  }
}
