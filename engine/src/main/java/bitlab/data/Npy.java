package bitlab.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader for NumPy's {@code .npy} format (versions 1 to 3): the magic string, a header that is a
 * Python dict literal ({@code descr}, {@code fortran_order}, {@code shape}), then the raw values.
 * Numeric types of either byte order: float32 and float64, signed and unsigned integers of 1 to 8
 * bytes, booleans. Fortran-ordered arrays are put into C order.
 */
final class Npy {
  private Npy() {}

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  private static final String RESAVE =
      "save it with numpy.save(path, numpy.asarray(x, dtype=numpy.float32)) (or uint8 for pixels, "
          + "int64 for labels)";

  /** The type of the values: kind ('f', 'i', 'u', 'b'), bytes per value, byte order. */
  private record Type(char kind, int size, ByteOrder order, String text) {
    String describe() {
      return switch (kind) {
        case 'f' -> "float" + 8 * size;
        case 'i' -> "int" + 8 * size;
        case 'u' -> "uint" + 8 * size;
        default -> "bool";
      };
    }
  }

  static RawArray read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataException("File " + file
          + (Files.isDirectory(file)
              ? " is a folder, not an .npy file."
              : " does not exist; " + "give the path of an .npy file that numpy.save wrote."));
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new DataException("File " + file + " could not be read: " + e.getMessage(), e);
    }
  }

  /** Reads one array from a stream (a file, or an entry of an NPZ archive); {@code what} names it in messages. */
  static RawArray read(InputStream raw, String what) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    byte[] magic = new byte[MAGIC.length];
    int major;
    int headerLength;
    try {
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new DataException("File " + what
            + " is not an .npy file (it does not start with \\x93NUMPY); " + RESAVE + ".");
      }
      major = in.readUnsignedByte();
      in.readUnsignedByte();
      if (major == 1) {
        headerLength = in.readUnsignedByte() | in.readUnsignedByte() << 8;
      } else if (major == 2 || major == 3) {
        headerLength = Integer.reverseBytes(in.readInt());
      } else {
        throw new DataException("File " + what + " is .npy format version " + major
            + ", which bitlab does not read (it reads " + "versions 1 to 3); " + RESAVE + ".");
      }
      if (headerLength < 0 || headerLength > 1 << 20) {
        throw new DataException("File " + what + " has a damaged .npy header (length "
            + headerLength + "); " + RESAVE + ".");
      }
    } catch (EOFException e) {
      throw new DataException(
          "File " + what + " is truncated: it ends inside its .npy header; " + RESAVE + ".", e);
    }
    byte[] headerBytes = new byte[headerLength];
    try {
      in.readFully(headerBytes);
    } catch (EOFException e) {
      throw new DataException(
          "File " + what + " is truncated: it ends inside its .npy header; " + RESAVE + ".", e);
    }
    String header =
        new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Type type = type(header, what);
    boolean fortran = match(FORTRAN, header, what, "fortran_order").equals("True");
    long[] shape = shape(match(SHAPE, header, what, "shape"), what);
    int n = RawArray.elements(shape, what);
    float[] values = values(in, type, n, shape, what);
    if (fortran && shape.length > 1) values = toCOrder(values, shape);
    return new RawArray(what, shape, values, type.kind() != 'f');
  }

  private static String match(Pattern p, String header, String what, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new DataException("File " + what + " has an .npy header without a readable '" + key
          + "' (" + header.strip() + "); " + RESAVE + ".");
    }
    return m.group(1);
  }

  private static Type type(String header, String what) {
    if (header.matches("(?s).*'descr'\\s*:\\s*\\[.*")) {
      throw new DataException("File " + what
          + " holds a structured array (fields of several types), which bitlab does not read; "
          + "save each field as its own array, e.g. numpy.savez(path, x=images, y=labels).");
    }
    String d = match(DESCR, header, what, "descr");
    if (d.length() >= 3) {
      char order = d.charAt(0);
      char kind = d.charAt(1);
      int size;
      try {
        size = Integer.parseInt(d.substring(2));
      } catch (NumberFormatException e) {
        size = -1;
      }
      ByteOrder bo = order == '>'
          ? ByteOrder.BIG_ENDIAN
          : order == '=' ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
      boolean ok = (order == '<' || order == '>' || order == '|' || order == '=')
          && (kind == 'f' && (size == 4 || size == 8)
              || (kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)
              || kind == 'b' && size == 1);
      if (ok) return new Type(kind, size, bo, d);
    }
    String hint = d.contains("O")
        ? " (Python objects, which need pickle)"
        : d.contains("f2") ? " (float16)" : "";
    throw new DataException("File " + what + " holds values of type '" + d + "'" + hint
        + "; bitlab reads float32, float64, " + "integers and booleans: " + RESAVE + ".");
  }

  private static long[] shape(String text, String what) {
    String[] parts = text.split(",");
    java.util.List<Long> dims = new java.util.ArrayList<>();
    for (String p : parts) {
      String t = p.trim();
      if (t.isEmpty()) continue;
      if (t.endsWith("L")) t = t.substring(0, t.length() - 1);
      try {
        dims.add(Long.parseLong(t));
      } catch (NumberFormatException e) {
        throw new DataException("File " + what + " has an .npy shape (" + text
            + ") that is not a list of integers; " + RESAVE + ".");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static float[] values(DataInputStream in, Type t, int n, long[] shape, String what)
      throws IOException {
    float[] out = new float[n];
    byte[] chunk = new byte[Math.max(t.size(), (1 << 16) / t.size() * t.size())];
    long total = (long) n * t.size();
    long done = 0;
    int k = 0;
    while (done < total) {
      int want = (int) Math.min(chunk.length, total - done);
      int got = in.readNBytes(chunk, 0, want);
      if (got < want) {
        throw new DataException(String.format(
            "File %s is truncated: its header declares %s values of shape %s (%,d bytes) but "
                + "it holds %,d; %s.",
            what,
            t.describe(),
            java.util.Arrays.toString(shape),
            total,
            done + got,
            "save it again with numpy.save"));
      }
      ByteBuffer b = ByteBuffer.wrap(chunk, 0, got).order(t.order());
      for (int i = 0; i < got; i += t.size()) out[k++] = value(b, t);
      done += got;
    }
    return out;
  }

  private static float value(ByteBuffer b, Type t) {
    return switch (t.kind()) {
      case 'f' -> t.size() == 4 ? b.getFloat() : (float) b.getDouble();
      case 'b' -> b.get() != 0 ? 1f : 0f;
      case 'u' ->
        switch (t.size()) {
          case 1 -> b.get() & 0xff;
          case 2 -> b.getShort() & 0xffff;
          case 4 -> b.getInt() & 0xffffffffL;
          default -> unsigned(b.getLong());
        };
      default ->
        switch (t.size()) {
          case 1 -> b.get();
          case 2 -> b.getShort();
          case 4 -> b.getInt();
          default -> b.getLong();
        };
    };
  }

  private static float unsigned(long v) {
    return v >= 0 ? v : (float) ((v >>> 1) * 2.0 + (v & 1));
  }

  /** Fortran (column-major) values in C (row-major) order. */
  private static float[] toCOrder(float[] f, long[] shape) {
    int r = shape.length;
    long[] stride = new long[r];
    long s = 1;
    for (int d = 0; d < r; d++) {
      stride[d] = s;
      s *= shape[d];
    }
    float[] c = new float[f.length];
    long[] idx = new long[r];
    for (int i = 0; i < c.length; i++) {
      long at = 0;
      for (int d = 0; d < r; d++) at += idx[d] * stride[d];
      c[i] = f[(int) at];
      for (int d = r - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
    return c;
  }
}
