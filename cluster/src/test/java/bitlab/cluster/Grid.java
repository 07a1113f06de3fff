package bitlab.cluster;

import bitlab.data.Dataset;
import bitlab.dsl.Bitlab;
import bitlab.dsl.sweep.Sweep;
import java.util.List;

/** The grid the cluster tests run everywhere: LeNet-5 on part of MNIST, one target, every method, two seeds (8 jobs). */
final class Grid {
  private static Dataset data;

  private Grid() {}

  static synchronized Dataset data() {
    if (data == null) data = Bitlab.subset(Bitlab.mnist(), 1200, 300);
    return data;
  }

  static Sweep sweep() {
    return Bitlab.sweep()
        .models("lenet5")
        .data(data())
        .targets("bismo-edge")
        .latency(0.5)
        .methods("haq", "hawq", "random", "uniform", "W8A8")
        .seeds(1, 2)
        .episodes(4)
        .warmup(2)
        .images(150, 64)
        .hawq(List.of(4, 8), 32, 4);
  }
}
