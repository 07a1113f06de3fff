package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import bitlab.model.Model;
import bitlab.model.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What the ONNX tests share: ONNX Runtime forward passes, bitlab forward passes, model equality. */
final class Checks {
  private Checks() {}

  /** Runs an ONNX model in ONNX Runtime (2 threads) on {@code x} and returns its single output. */
  static INDArray ort(byte[] onnx, INDArray x) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(2);
      try (OrtSession s = env.createSession(onnx, o)) {
        String input = s.getInputNames().iterator().next();
        float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), x.shape());
            OrtSession.Result r = s.run(Map.of(input, t))) {
          OnnxTensor out = (OnnxTensor) r.get(0);
          FloatBuffer fb = out.getFloatBuffer();
          float[] y = new float[fb.remaining()];
          fb.get(y);
          return Nd4j.create(y, out.getInfo().getShape(), 'c');
        }
      }
    }
  }

  /** The operator counts of the graph ONNX Runtime makes of {@code onnx} at the extended level (where its QDQ fusions run). */
  static Map<String, Integer> optimizedOps(byte[] model, Path dir) throws Exception {
    Path file = Files.createTempFile(dir, "optimized", ".onnx");
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
      o.setOptimizedModelFilePath(file.toString());
      try (OrtSession s = OrtEnvironment.getEnvironment().createSession(model, o)) {
        s.getInputNames();
      }
    }
    Map<String, Integer> ops = new java.util.TreeMap<>();
    for (onnx.Onnx.NodeProto n :
        onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(file)).getGraph().getNodeList()) {
      ops.merge(n.getOpType(), 1, Integer::sum);
    }
    return ops;
  }

  /** Named tensors of an ONNX Runtime run without graph optimizations, as ints (uint8 and int8 outputs) or floats. */
  static Map<String, double[]> ortValues(byte[] onnx, INDArray x, java.util.List<String> names)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, double[]> out = new java.util.LinkedHashMap<>();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession s = env.createSession(onnx, o)) {
        float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), x.shape());
            OrtSession.Result r = s.run(
                Map.of(s.getInputNames().iterator().next(), t),
                new java.util.LinkedHashSet<>(names))) {
          for (String n : names) {
            OnnxTensor v = (OnnxTensor) r.get(n).orElseThrow();
            ai.onnxruntime.OnnxJavaType type = v.getInfo().type;
            double[] d;
            if (type == ai.onnxruntime.OnnxJavaType.FLOAT) {
              FloatBuffer fb = v.getFloatBuffer();
              d = new double[fb.remaining()];
              for (int i = 0; i < d.length; i++) d[i] = fb.get(i);
            } else {
              ByteBuffer bb = v.getByteBuffer();
              boolean unsigned = type == ai.onnxruntime.OnnxJavaType.UINT8;
              d = new double[bb.remaining()];
              for (int i = 0; i < d.length; i++)
                d[i] = unsigned ? Byte.toUnsignedInt(bb.get(i)) : bb.get(i);
            }
            out.put(n, d);
          }
        }
      }
    }
    return out;
  }

  /** How many rows of two logit matrices have the same arg-max. */
  static int sameTop1(INDArray a, INDArray b) {
    assertArrayEquals(a.shape(), b.shape(), "output shapes");
    int same = 0;
    for (int i = 0; i < a.size(0); i++)
      if (a.getRow(i).argMax().getInt(0) == b.getRow(i).argMax().getInt(0)) same++;
    return same;
  }

  /** bitlab's forward pass (the output node's value, so a final Softmax is included). */
  static INDArray bitlab(Model m, INDArray x) {
    try (bitlab.nn.Net net = bitlab.nn.Net.compile(m, bitlab.nn.Net.Mode.INFERENCE)) {
      return net.outputs(x, java.util.List.of(m.output().name())).get(m.output().name());
    }
  }

  static double maxAbsDiff(INDArray a, INDArray b) {
    assertArrayEquals(a.shape(), b.shape(), "output shapes");
    return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
  }

  /** A little-endian float32 C-order .npy file (as numpy.save writes it). */
  static INDArray npy(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[6];
    b.get(magic);
    assertEquals(
        "\u0093NUMPY",
        new String(magic, StandardCharsets.ISO_8859_1),
        file + " is not an .npy file");
    int major = b.get();
    b.get();
    int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
    byte[] h = new byte[headerLength];
    b.get(h);
    String header = new String(h, StandardCharsets.ISO_8859_1);
    assertTrue(
        header.contains("'descr': '<f4'") && header.contains("'fortran_order': False"), header);
    Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
    assertTrue(m.find(), header);
    long[] shape = Arrays.stream(m.group(1).split(","))
        .map(String::strip)
        .filter(x -> !x.isEmpty())
        .mapToLong(Long::parseLong)
        .toArray();
    float[] v = new float[b.remaining() / 4];
    b.asFloatBuffer().get(v);
    return Nd4j.create(v, shape, 'c');
  }

  /** A seeded standard-normal batch. */
  static INDArray normal(long seed, long... shape) {
    java.util.Random r = new java.util.Random(seed);
    long n = 1;
    for (long d : shape) n *= d;
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
    return Nd4j.create(v, shape, 'c');
  }

  /** Same name, nodes (names, operators, inputs, shapes) and bit-identical parameters. */
  static void assertSameModel(Model expected, Model actual) {
    assertEquals(expected.name(), actual.name(), "model name");
    assertEquals(expected.nodes().size(), actual.nodes().size(), "node count");
    for (int i = 0; i < expected.nodes().size(); i++) {
      Node e = expected.nodes().get(i);
      Node a = actual.nodes().get(i);
      assertEquals(e, a, "node " + i);
    }
    assertEquals(expected.params().keySet(), actual.params().keySet(), "parameter keys");
    for (Map.Entry<String, INDArray> p : expected.params().entrySet()) {
      INDArray a = actual.params().get(p.getKey());
      assertArrayEquals(p.getValue().shape(), a.shape(), p.getKey());
      assertArrayEquals(
          p.getValue().castTo(DataType.FLOAT).dup('c').data().asFloat(),
          a.castTo(DataType.FLOAT).dup('c').data().asFloat(),
          p.getKey());
    }
  }
}
