package bitlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.model.Model;
import bitlab.model.ModelException;
import bitlab.model.Zoo;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class NetInputTest {
  @Test
  void anInputOfTheWrongShapeIsOneSentenceAndTheNetworkStaysUsable() {
    Model m = Zoo.load("lenet5");
    try (Net net = Net.compile(m, Net.Mode.INFERENCE)) {
      for (long[] bad : new long[][] {{2, 3, 32, 32}, {2, 784}, {2, 1, 14, 14}}) {
        ModelException e =
            assertThrows(ModelException.class, () -> net.logits(Nd4j.rand(DataType.FLOAT, bad)));
        assertTrue(
            e.getMessage().contains("[2, 1, 28, 28]") && e.getMessage().contains("lenet5"),
            e.getMessage());
      }
      assertArrayEquals(
          new long[] {3, 10},
          net.logits(Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28)).shape());
    }
  }
}
