package bitlab.hardware;

import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.fixtures.Zoo;
import java.util.List;
import java.util.Map;

/**
 * Prints the figures the module reports: per built-in target, MobileNet-V1 and ResNet-18 (224)
 * totals at W8A8, W4A4 and W2A2, and where the latency of one activation bit goes on the BISMO
 * targets. Run: {@code mvn -q -B -pl hardware test-compile exec:java@figures}.
 */
public final class Figures {

  private Figures() {}

  public static void main(String[] args) {
    Map<String, List<LayerWorkload>> models = Map.of(
        "mobilenet-v1", Zoo.mobilenetV1(224), "resnet-18", Zoo.resnet18(224));
    Catalogue cat = Catalogue.builtIn();
    System.out.printf("%-13s %-13s %5s | %12s %12s %12s | %12s %12s %12s | %s%n", "target", "model", "batch",
        "ms W8A8", "ms W4A4", "ms W2A2", "mJ W8A8", "mJ W4A4", "mJ W2A2", "memory-bound layers at W8A8");
    for (Target t : cat.targets()) {
      for (String m : List.of("mobilenet-v1", "resnet-18")) {
        List<LayerWorkload> layers = models.get(m);
        ModelCost c8 = t.cost(layers, Bits.W8A8);
        ModelCost c4 = t.cost(layers, Bits.W4A4);
        ModelCost c2 = t.cost(layers, Bits.W2A2);
        System.out.printf("%-13s %-13s %5d | %12.3f %12.3f %12.3f | %12.3f %12.3f %12.3f | %d of %d%n", t.name(), m,
            t.batch(), c8.total().millis(), c4.total().millis(), c2.total().millis(), c8.total().millijoules(),
            c4.total().millijoules(), c2.total().millijoules(), c8.count(Bound.MEMORY), layers.size());
      }
    }
    System.out.println();
    System.out.println("MobileNet-V1 224, latency saved by one fewer activation bit from W8A8 (W8A7), summed by layer type:");
    System.out.printf("%-13s %14s %14s %14s %14s %10s%n", "target", "depthwise ms", "pointwise ms",
        "dw per layer", "pw per layer", "dw/pw");
    for (Target t : cat.targets()) {
      Specialisation s = Specialisation.of(t, Zoo.mobilenetV1(224), Bits.W8A8);
      System.out.printf("%-13s %14.4f %14.4f %14.4f %14.4f %10.2f%n", t.name(), s.depthwiseSeconds() * 1e3,
          s.pointwiseSeconds() * 1e3, s.depthwisePerLayer() * 1e3, s.pointwisePerLayer() * 1e3, s.ratio());
    }
  }
}
