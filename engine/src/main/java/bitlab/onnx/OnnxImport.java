package bitlab.onnx;

import bitlab.model.Model;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.ModelProto;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Reads FP32 ONNX models, as PyTorch and torchvision export them, into bitlab's {@link Model}.
 *
 * <pre>{@code
 * Model m = OnnxImport.read(Path.of("resnet18.onnx"));
 * }</pre>
 *
 * Node names come from the ONNX node names, made readable ({@code /layer1/layer1.0/conv1/Conv} becomes
 * {@code layer1.0.conv1}); weights from the initializers. Every failure is an {@link OnnxException}
 * whose message names the file, node or attribute at fault.
 */
public final class OnnxImport {
  /**
   * The ONNX operators bitlab imports. Identity, Dropout and Cast (to float) pass activations through;
   * Constant, Shape, Gather, Unsqueeze, Squeeze and Slice take part only in constant shape arithmetic.
   */
  public static final List<String> SUPPORTED_OPERATORS = List.of(
      "Conv",
      "Gemm",
      "MatMul",
      "Add",
      "BatchNormalization",
      "Sum",
      "Mul",
      "Sub",
      "Div",
      "Relu",
      "Sigmoid",
      "HardSigmoid",
      "HardSwish",
      "Clip",
      "MaxPool",
      "AveragePool",
      "GlobalAveragePool",
      "ReduceMean",
      "Flatten",
      "Reshape",
      "Concat",
      "Softmax",
      "Identity",
      "Dropout",
      "Constant",
      "ConstantOfShape",
      "Shape",
      "Gather",
      "Unsqueeze",
      "Squeeze",
      "Slice",
      "Cast",
      "Split",
      "Transpose",
      "LRN");

  private OnnxImport() {}

  /** Reads the ONNX file at {@code path}; the model is named after the file unless bitlab wrote it. */
  public static Model read(Path path) {
    if (!Files.exists(path)) {
      throw new OnnxFileException("There is no ONNX file at '" + path + "'"
          + (path.isAbsolute() ? "" : " (resolved against " + Path.of("").toAbsolutePath() + ")")
          + "; check the path.");
    }
    if (Files.isDirectory(path))
      throw new OnnxFileException(
          "'" + path + "' is a directory, not an ONNX file; give the path of the .onnx file.");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new OnnxFileException("There is no ONNX file at '" + path + "'; check the path.", e);
    } catch (AccessDeniedException e) {
      throw new OnnxFileException(
          "The ONNX file '" + path + "' cannot be read: permission denied.", e);
    } catch (IOException e) {
      throw new OnnxFileException(
          "The ONNX file '" + path + "' cannot be read: " + e.getMessage(), e);
    }
    Path dir = path.toAbsolutePath().getParent();
    return convert(parse(bytes, "The file '" + path + "'"), stem(path), dir);
  }

  /** Reads an ONNX model held in memory; {@code name} names the model unless bitlab wrote it (may be null). */
  public static Model read(byte[] bytes, String name) {
    return convert(
        parse(bytes, name == null ? "The given bytes" : "The data '" + name + "'"), name, null);
  }

  /** Reads an ONNX model from a stream (read to its end, not closed). */
  public static Model read(InputStream in, String name) {
    try {
      return read(in.readAllBytes(), name);
    } catch (IOException e) {
      throw new OnnxFileException(
          "Could not read the ONNX model " + (name == null ? "" : "'" + name + "' ")
              + "from its stream: " + e.getMessage(),
          e);
    }
  }

  /** Parses ONNX bytes into the protobuf message, checking that they are an ONNX model at all. */
  static ModelProto parse(byte[] bytes, String what) {
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw notOnnx(what, bytes.length, e);
    }
    if (proto.getIrVersion() <= 0
        || !proto.hasGraph()
        || proto.getGraph().getNodeCount() == 0
        || proto.getOpsetImportCount() == 0) {
      throw notOnnx(what, bytes.length, null);
    }
    return proto;
  }

  private static OnnxFormatException notOnnx(String what, int size, Exception cause) {
    String m = what + " (" + size + " bytes) is not an ONNX model"
        + " (no ONNX graph could be decoded from it); give a .onnx file exported by PyTorch, ONNX tools or bitlab.";
    return cause == null ? new OnnxFormatException(m) : new OnnxFormatException(m, cause);
  }

  private static Model convert(ModelProto proto, String name, Path dir) {
    Model m = new GraphImporter(proto, name, dir).run();
    try {
      m.preprocessing(); // a declared preprocessing (metadata_props "bitlab.preprocessing") must
      // be readable and fit the input
      m.preprocessing().ifPresent(m::withPreprocessing);
    } catch (bitlab.data.DataException | bitlab.model.ModelException e) {
      throw new OnnxFormatException(e.getMessage(), e);
    }
    return m;
  }

  private static String stem(Path p) {
    String f = p.getFileName().toString();
    int dot = f.lastIndexOf('.');
    return dot > 0 ? f.substring(0, dot) : f;
  }
}
