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
    Map<String, List<LayerWorkload>> models =
        Map.of("mobilenet-v1", Zoo.mobilenetV1(224), "resnet-18", Zoo.resnet18(224));
    Catalogue cat = Catalogue.builtIn();
    System.out.printf(
        "%-13s %-13s %5s | %12s %12s %12s | %12s %12s %12s | %s%n",
        "target",
        "model",
        "batch",
        "ms W8A8",
        "ms W4A4",
        "ms W2A2",
        "mJ W8A8",
        "mJ W4A4",
        "mJ W2A2",
        "memory-bound layers at W8A8");
    for (Target t : cat.targets()) {
      for (String m : List.of("mobilenet-v1", "resnet-18")) {
        List<LayerWorkload> layers = models.get(m);
        ModelCost c8 = t.cost(layers, Bits.W8A8);
        ModelCost c4 = t.cost(layers, Bits.W4A4);
        ModelCost c2 = t.cost(layers, Bits.W2A2);
        System.out.printf(
            "%-13s %-13s %5d | %12.3f %12.3f %12.3f | %12.3f %12.3f %12.3f | %d of %d%n",
            t.name(),
            m,
            t.batch(),
            c8.total().millis(),
            c4.total().millis(),
            c2.total().millis(),
            c8.total().millijoules(),
            c4.total().millijoules(),
            c2.total().millijoules(),
            c8.count(Bound.MEMORY),
            layers.size());
      }
    }
    System.out.println();
    System.out.println(
        "MobileNet-V1 224 (13 depthwise, 13 pointwise layers): latency saved by one fewer bit on every");
    System.out.println(
        "layer of a type, from W8A8, in ms per run (a = activation bit, W8A7; w = weight bit, W7A8):");
    System.out.printf(
        "%-13s %12s %12s %8s | %12s %12s %8s%n",
        "target", "a: dw ms", "a: pw ms", "dw/pw", "w: dw ms", "w: pw ms", "dw/pw");
    for (Target t : cat.targets()) {
      Specialisation s = Specialisation.of(t, Zoo.mobilenetV1(224), Bits.W8A8);
      Specialisation v = Specialisation.ofWeights(t, Zoo.mobilenetV1(224), Bits.W8A8);
      System.out.printf(
          "%-13s %12.4f %12.4f %8.2f | %12.4f %12.4f %8.2f%n",
          t.name(),
          s.depthwiseSeconds() * 1e3,
          s.pointwiseSeconds() * 1e3,
          s.ratio(),
          v.depthwiseSeconds() * 1e3,
          v.pointwiseSeconds() * 1e3,
          v.ratio());
    }
    System.out.println();
    System.out.println(
        "Share of W8A8 latency in depthwise layers, and bound of the layers (MobileNet-V1 224):");
    for (Target t : cat.targets()) {
      List<LayerWorkload> mb = models.get("mobilenet-v1");
      ModelCost c = t.cost(mb, Bits.W8A8);
      double dw = 0;
      long dwMem = 0;
      long pwMem = 0;
      for (int i = 0; i < mb.size(); i++) {
        LayerCost l = c.layers().get(i);
        if (mb.get(i).depthwise()) {
          dw += l.cost().seconds();
          if (l.bound() == Bound.MEMORY) dwMem++;
        } else if (mb.get(i).kernelH() == 1
            && mb.get(i).kind() == LayerWorkload.Kind.CONV
            && l.bound() == Bound.MEMORY) {
          pwMem++;
        }
      }
      System.out.printf(
          "%-13s depthwise share %5.1f%%, memory-bound: %2d of 13 depthwise, %2d of 13 pointwise%n",
          t.name(), 100 * dw / c.total().seconds(), dwMem, pwMem);
    }
  }
}
