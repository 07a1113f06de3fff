package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void pytorchScopesBecomeModulePaths() {
    assertEquals("layer1.0.conv1", Names.readable("/layer1/layer1.0/conv1/Conv", "Conv"));
    assertEquals(
        "features.1.conv.0.0",
        Names.readable("/features/features.1/conv/conv.0/conv.0.0/Conv", "Conv"));
    assertEquals("layer1.0.relu_1", Names.readable("/layer1/layer1.0/relu_1/Relu", "Relu"));
    assertEquals("layer1.0.add", Names.readable("/layer1/layer1.0/Add", "Add"));
    assertEquals("features.3.add_1", Names.readable("/features/features.3/Add_1", "Add"));
    assertEquals("maxpool", Names.readable("/MaxPool", "MaxPool"));
  }

  @Test
  void plainNamesStayAndUnsafeCharactersGo() {
    assertEquals("b1.dw.bn", Names.readable("b1.dw.bn", "BatchNormalization"));
    assertEquals("Conv_0", Names.readable("Conv_0", "Conv"));
    assertEquals("conv", Names.readable("", "Conv"));
    assertEquals("my_layer_1", Names.readable("my layer:1", "Relu"));
  }

  @Test
  void functionalOperatorsAtTheTopKeepTheirKindInLowerCase() {
    assertEquals("add", Names.readable("/Add", "Add"));
    assertEquals("matmul", Names.readable("/MatMul", "MatMul"));
    assertEquals("add_35", Names.readable("add_35", "Add"));
  }

  @Test
  void namesAreUnique() {
    Names n = new Names("input");
    assertEquals("input_2", n.unique("input", "Relu"));
    assertEquals("fc", n.unique("/fc/Gemm", "Gemm"));
    assertEquals("fc_2", n.unique("fc", "Relu"));
  }
}
