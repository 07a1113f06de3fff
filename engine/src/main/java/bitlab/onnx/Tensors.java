package bitlab.onnx;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorProto.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/** Conversions between ONNX {@code TensorProto}s and bitlab's constants and parameter arrays. */
final class Tensors {
  private Tensors() {}

  /**
   * Reads a tensor: FP32 and FP64 as floats, integer types as longs. {@code baseDir} locates external
   * data files (null when the model came from bytes).
   */
  static Const read(TensorProto t, String what, Path baseDir) {
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long d : dims) {
      if (d < 0)
        throw new OnnxFormatException(
            "Tensor '" + what + "' has a negative dimension; the ONNX file is corrupt.");
      // Checked at every step: dimensions that overflow a long on their way up are as impossible as
      // a huge product.
      if (d != 0 && count > Integer.MAX_VALUE / d) {
        throw new OnnxFormatException(
            "Tensor '" + what + "' has dimensions " + java.util.Arrays.toString(dims)
                + ", more values than bitlab can hold; the ONNX file is corrupt or not a model bitlab imports.");
      }
      count *= d;
    }
    int n = (int) count;
    ByteString raw = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL
        ? external(t, what, baseDir)
        : t.getRawData();
    int type = t.getDataType();
    ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    boolean hasRaw = !raw.isEmpty();
    // The data is checked against the shape before anything is allocated: a few corrupt bytes must
    // not
    // ask for gigabytes.
    if (type == DataType.FLOAT_VALUE) {
      if (hasRaw) need(raw, 4L * n, what);
      else need(t.getFloatDataCount(), n, what);
      float[] v = new float[n];
      if (hasRaw) {
        b.asFloatBuffer().get(v);
      } else {
        for (int i = 0; i < n; i++) v[i] = t.getFloatData(i);
      }
      return Const.floats(dims, v);
    }
    if (type == DataType.DOUBLE_VALUE) {
      if (hasRaw) need(raw, 8L * n, what);
      else need(t.getDoubleDataCount(), n, what);
      float[] v = new float[n];
      if (hasRaw) {
        for (int i = 0; i < n; i++) v[i] = (float) b.getDouble();
      } else {
        for (int i = 0; i < n; i++) v[i] = (float) t.getDoubleData(i);
      }
      return Const.floats(dims, v);
    }
    if (type == DataType.INT64_VALUE) {
      if (hasRaw) need(raw, 8L * n, what);
      else need(t.getInt64DataCount(), n, what);
      long[] v = new long[n];
      if (hasRaw) {
        b.asLongBuffer().get(v);
      } else {
        for (int i = 0; i < n; i++) v[i] = t.getInt64Data(i);
      }
      return Const.longs(dims, v);
    }
    int width = switch (type) {
      case DataType.INT32_VALUE -> 4;
      case DataType.INT16_VALUE -> 2;
      case DataType.INT8_VALUE, DataType.UINT8_VALUE, DataType.BOOL_VALUE -> 1;
      default ->
        throw new OnnxFormatException(
            "Tensor '" + what + "' has data type " + typeName(type)
                + "; bitlab imports FP32 models (weights in FLOAT, shapes in INT64 or INT32): export the model in float32.");
    };
    if (hasRaw) need(raw, (long) width * n, what);
    else need(t.getInt32DataCount(), n, what);
    long[] v = new long[n];
    if (hasRaw) {
      for (int i = 0; i < n; i++) {
        v[i] = switch (width) {
          case 4 -> b.getInt();
          case 2 -> b.getShort();
          default -> type == DataType.INT8_VALUE ? b.get() : b.get() & 0xff;
        };
      }
    } else {
      for (int i = 0; i < n; i++) v[i] = t.getInt32Data(i);
    }
    return Const.longs(dims, v);
  }

  /** An FP32 tensor with little-endian raw data. */
  static TensorProto floats(String name, INDArray a) {
    float[] v =
        a.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    TensorProto.Builder t = TensorProto.newBuilder()
        .setName(name)
        .setDataType(DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : a.shape()) t.addDims(d);
    return t.build();
  }

  /** A float scalar (rank 0). */
  static TensorProto scalar(String name, float v) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(DataType.FLOAT_VALUE)
        .addFloatData(v)
        .build();
  }

  /** An FP32 tensor of the given shape (an empty shape: a scalar). */
  static TensorProto floats(String name, long[] dims, float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    TensorProto.Builder t = TensorProto.newBuilder()
        .setName(name)
        .setDataType(DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) t.addDims(d);
    return t.build();
  }

  /**
   * Integer codes as an INT8 or UINT8 tensor (one byte each) or an INT32 tensor (little-endian), the
   * containers of QuantizeLinear and DequantizeLinear. Codes outside the container's range are refused.
   */
  static TensorProto codes(String name, DataType type, long[] dims, int[] v) {
    int lo;
    int hi;
    int width;
    switch (type) {
      case INT8 -> {
        lo = Byte.MIN_VALUE;
        hi = Byte.MAX_VALUE;
        width = 1;
      }
      case UINT8 -> {
        lo = 0;
        hi = 255;
        width = 1;
      }
      case INT32 -> {
        lo = Integer.MIN_VALUE;
        hi = Integer.MAX_VALUE;
        width = 4;
      }
      default -> throw new IllegalArgumentException("codes are INT8, UINT8 or INT32, not " + type);
    }
    ByteBuffer b = ByteBuffer.allocate(width * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < v.length; i++) {
      if (v[i] < lo || v[i] > hi) {
        throw new OnnxException("Tensor '" + name + "' holds the code " + v[i] + " at element " + i
            + ", outside the " + type + " range " + lo + ".." + hi + ".");
      }
      if (width == 1) b.put((byte) v[i]);
      else b.putInt(v[i]);
    }
    TensorProto.Builder t = TensorProto.newBuilder()
        .setName(name)
        .setDataType(type.getNumber())
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) t.addDims(d);
    return t.build();
  }

  /** An external-data entry's number (offset, length), or a sentence if it is not one. */
  private static long number(String text, String key, String what) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new OnnxFormatException("Tensor '" + what + "' has external data " + key + " '" + text
          + "', which is not a whole number;" + " the ONNX file is corrupt.");
    }
  }

  static String typeName(int type) {
    DataType d = DataType.forNumber(type);
    return d == null ? "#" + type : d.name();
  }

  private static ByteString external(TensorProto t, String what, Path baseDir) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = number(e.getValue(), "offset", what);
        case "length" -> length = number(e.getValue(), "length", what);
        default -> {}
      }
    }
    if (baseDir == null || location == null) {
      throw new OnnxFormatException("Tensor '" + what + "' is stored in an external data file"
          + (location == null ? "" : " '" + location + "'")
          + "; read the model with OnnxImport.read(Path) from its folder.");
    }
    Path file;
    try {
      file = baseDir.resolve(location).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new OnnxFormatException("Tensor '" + what + "' names the external data file '"
          + location + "', which cannot be a file name: " + e.getReason() + ".");
    }
    if (!file.startsWith(baseDir.normalize()) || !Files.isRegularFile(file)) {
      throw new OnnxFileException("Tensor '" + what + "' is stored in the external data file '"
          + location + "', which is not next to the model in " + baseDir + ".");
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = length >= 0 ? length : f.length() - offset;
      if (offset < 0 || len < 0 || len > Integer.MAX_VALUE || offset > f.length() - len) {
        throw new OnnxFormatException("Tensor '" + what
            + "' points past the end of its external data file '" + location + "'.");
      }
      byte[] bytes = new byte[(int) len];
      f.seek(offset);
      f.readFully(bytes);
      return ByteString.copyFrom(bytes);
    } catch (IOException e) {
      throw new OnnxFileException(
          "Could not read the external data file '" + location + "' of tensor '" + what + "': "
              + e.getMessage(),
          e);
    }
  }

  private static void need(ByteString raw, long bytes, String what) {
    if (raw.size() != bytes) {
      throw new OnnxFormatException("Tensor '" + what + "' has " + raw.size()
          + " bytes of data where its shape needs " + bytes + "; the ONNX file is corrupt.");
    }
  }

  private static void need(int have, int n, String what) {
    if (have != n) {
      throw new OnnxFormatException("Tensor '" + what + "' has " + have
          + " values where its shape needs " + n + "; the ONNX file is corrupt.");
    }
  }
}
