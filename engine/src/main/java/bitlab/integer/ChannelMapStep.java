package bitlab.integer;

import bitlab.model.Op;
import bitlab.model.Shape;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A channel shuffle or slice on codes: output channel {@code o} is input channel {@code source[o]}, codes and affine
 * map unchanged (no arithmetic, so nothing to round).
 */
public record ChannelMapStep(
    String node, String input, String op, Shape inShape, Shape shape, int[] source)
    implements Step {

  static ChannelMapStep of(
      String node, String input, Op.ChannelMap map, Shape inShape, Shape shape) {
    int[] source = new int[shape.channels()];
    for (int o = 0; o < source.length; o++) source[o] = map.source(o, inShape.channels());
    return new ChannelMapStep(node, input, map.type(), inShape, shape, source);
  }

  @Override
  public List<String> inputs() {
    return List.of(input);
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0);
    int plane = shape.height() * shape.width();
    int inSize = (int) inShape.elements(), outSize = (int) shape.elements();
    Object src = x.wide() ? x.wideCodes() : x.codes();
    Object o = x.wide() ? new short[x.batch() * outSize] : new byte[x.batch() * outSize];
    for (int b = 0; b < x.batch(); b++) {
      for (int c = 0; c < source.length; c++)
        System.arraycopy(src, b * inSize + source[c] * plane, o, b * outSize + c * plane, plane);
    }
    return x.wide()
        ? IntTensor.wide(shape, x.batch(), (short[]) o, x.params())
        : new IntTensor(shape, x.batch(), (byte[]) o, x.params());
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    long[] channels = new long[source.length];
    for (int c = 0; c < source.length; c++) channels[c] = source[c];
    return in.get(0)
        .get(
            NDArrayIndex.all(),
            NDArrayIndex.indices(channels),
            NDArrayIndex.all(),
            NDArrayIndex.all())
        .dup('c');
  }
}
