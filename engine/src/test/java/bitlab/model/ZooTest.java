package bitlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.LayerWorkload;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@Tag("slow")
class ZooTest {

  @Test
  void miniModelsRunAForwardPassOfTheRightShape() {
    for (String name : List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini")) {
      Model m = Zoo.architecture(name, 28, 1.0, 1);
      INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 1, 28, 28);
      INDArray y = Inference.logits(m, x);
      assertArrayEquals(new long[] {3, 10}, y.shape(), name);
      assertTrue(y.isMatrix() && !y.isNaN().any(), name);
    }
  }

  @Test
  void imagenetShapesMatchThePublishedMacCounts() {
    // Published figures: ResNet-18 1.82 GMACs, ResNet-50 4.1 GMACs, MobileNet-V1 569 M,
    // MobileNet-V2 300 M.
    assertEquals(1.82e9, Zoo.architecture("resnet18", 224, 1, 0).macs(), 0.02e9);
    assertEquals(4.09e9, Zoo.architecture("resnet50", 224, 1, 0).macs(), 0.05e9);
    assertEquals(569e6, Zoo.architecture("mobilenet-v1", 224, 1, 0).macs(), 6e6);
    assertEquals(300e6, Zoo.architecture("mobilenet-v2", 224, 1, 0).macs(), 6e6);
    assertEquals(
        4_231_976, Zoo.architecture("mobilenet-v1", 224, 1, 0).parameterCount(), 0.01 * 4_231_976);
    assertEquals(11_689_512, Zoo.architecture("resnet18", 224, 1, 0).parameterCount());
  }

  @Test
  void workloadsDescribeDepthwiseAndLinearLayers() {
    List<LayerWorkload> w = Zoo.architecture("mobilenet-v1", 224, 1, 0).workloads();
    assertEquals(28, w.size());
    assertTrue(w.get(1).depthwise());
    assertEquals(112, w.get(1).inH());
    assertEquals(LayerWorkload.Kind.LINEAR, w.get(27).kind());
    assertEquals(1024L * 1000, w.get(27).macs());
  }

  @Test
  void unknownNamesAreListed() {
    ModelException e = assertThrows(ModelException.class, () -> Zoo.entry("vgg"));
    assertTrue(
        e.getMessage().contains("lenet5") && e.getMessage().contains("mobilenet-v2"),
        e.getMessage());
    Model m = Zoo.architecture("lenet5", 28, 1, 0);
    ModelException l = assertThrows(ModelException.class, () -> m.node("conv3"));
    assertEquals(
        "Layer 'conv3' is not in model 'lenet5'; its layers are input, conv1, relu1, pool1, conv2, relu2, pool2, "
            + "flatten, fc1, relu3, fc2, relu4, fc3.",
        l.getMessage());
  }

  @Test
  void shapeMistakesNameTheNode() {
    ModelException e = assertThrows(
        ModelException.class,
        () ->
            Model.builder("bad", Shape.image(1, 28, 28)).conv("c1", 4, 3, 1, 1).linear("fc", 10));
    assertTrue(e.getMessage().startsWith("Node 'fc' (Linear) expects a vector"), e.getMessage());
  }
}
