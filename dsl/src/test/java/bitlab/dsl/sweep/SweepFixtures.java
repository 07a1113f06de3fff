package bitlab.dsl.sweep;

import bitlab.data.Dataset;
import bitlab.dsl.Bitlab;
import java.util.List;

/** A small grid on LeNet-5 that every sweep test shares: two seeds, every method, quick settings. */
final class SweepFixtures {
  private static Dataset data;

  private SweepFixtures() {}

  static synchronized Dataset data() {
    if (data == null) data = Bitlab.subset(Bitlab.mnist(), 1200, 300);
    return data;
  }

  /** 16 jobs: per target, haq, hawq and random at seeds 1 and 2, the uniform baseline and W8A8 once each. */
  static Sweep grid() {
    return Bitlab.sweep()
        .models("lenet5")
        .data(data())
        .targets("bismo-edge", "bitfusion")
        .latency(0.5)
        .methods("haq", "hawq", "random", "uniform", "W8A8")
        .seeds(1, 2)
        .episodes(4)
        .warmup(2)
        .images(150, 64)
        .hawq(List.of(4, 8), 32, 4);
  }
}
