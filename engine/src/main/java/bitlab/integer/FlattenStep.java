package bitlab.integer;

import bitlab.model.Shape;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Flatten: the same codes, read as one vector per image. */
public record FlattenStep(String node, String input, Shape shape) implements Step {

  @Override
  public String op() {
    return "Flatten";
  }

  @Override
  public List<String> inputs() {
    return List.of(input);
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0);
    return new IntTensor(shape, x.batch(), x.wide() ? null : x.codes(), x.wideCodes(), x.params());
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    return in.get(0).reshape(in.get(0).size(0), shape.elements());
  }
}
