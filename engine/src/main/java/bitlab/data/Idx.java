package bitlab.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for IDX files, the format MNIST, Fashion-MNIST and EMNIST are distributed in: a magic number
 * {@code 0x0000TTRR} (type TT, rank RR), RR big-endian int32 dimensions, then the values big-endian.
 * Every IDX type (unsigned and signed bytes, int16, int32, float32, float64) and any rank; gzip-compressed
 * files are recognised by their first bytes.
 */
final class Idx {
  private Idx() {}

  /** Reads any IDX file, gzip-compressed or not. */
  static RawArray read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataException("File " + file
          + (Files.isDirectory(file)
              ? " is a folder, not an IDX file."
              : " does not exist; "
                  + "give the path of an IDX file such as train-images-idx3-ubyte(.gz)."));
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
      return read(in, file.toString());
    } catch (java.util.zip.ZipException e) {
      throw new DataException(
          "File " + file + " looks gzip-compressed but cannot be unpacked (" + e.getMessage()
              + "); download it again.",
          e);
    } catch (IOException e) {
      throw new DataException("File " + file + " could not be read: " + e.getMessage(), e);
    }
  }

  static RawArray read(InputStream raw, String what) throws IOException {
    DataInputStream d = new DataInputStream(raw);
    int magic;
    long[] shape;
    try {
      magic = d.readInt();
      int type = (magic >> 8) & 0xff;
      int rank = magic & 0xff;
      if ((magic >>> 16) != 0 || size(type) == 0 || rank < 1) {
        throw new DataException(
            "File " + what + " is not an IDX file (magic number 0x" + Integer.toHexString(magic)
                + "; IDX files start with 0x0000TTRR, TT the type 08, 09, 0B, 0C, 0D or 0E and RR the rank).");
      }
      shape = new long[rank];
      for (int i = 0; i < rank; i++) shape[i] = d.readInt() & 0xffffffffL;
    } catch (EOFException e) {
      throw new DataException("File " + what + " is truncated: it ends inside its IDX header.", e);
    }
    int type = (magic >> 8) & 0xff;
    int n = RawArray.elements(shape, what);
    float[] v = new float[n];
    int size = size(type);
    byte[] chunk = new byte[(1 << 16) / size * size];
    long total = (long) n * size;
    long done = 0;
    int k = 0;
    while (done < total) {
      int want = (int) Math.min(chunk.length, total - done);
      int got = d.readNBytes(chunk, 0, want);
      if (got < want) {
        throw new DataException(String.format(
            "File %s is truncated: its header declares shape %s (%,d bytes of values) but it "
                + "holds %,d; download it again.",
            what, java.util.Arrays.toString(shape), total, done + got));
      }
      java.nio.ByteBuffer b =
          java.nio.ByteBuffer.wrap(chunk, 0, got); // big-endian, as IDX stores values
      for (int i = 0; i < got; i += size) {
        v[k++] = switch (type) {
          case 0x08 -> b.get() & 0xff;
          case 0x09 -> b.get();
          case 0x0B -> b.getShort();
          case 0x0C -> b.getInt();
          case 0x0D -> b.getFloat();
          default -> (float) b.getDouble();
        };
      }
      done += got;
    }
    return new RawArray(what, shape, v, type != 0x0D && type != 0x0E);
  }

  /** Bytes per value of an IDX type code, 0 if it is not one. */
  private static int size(int type) {
    return switch (type) {
      case 0x08, 0x09 -> 1;
      case 0x0B -> 2;
      case 0x0C, 0x0D -> 4;
      case 0x0E -> 8;
      default -> 0;
    };
  }

  /** {@code count} images of {@code height x width} pixel bytes, row-major. */
  record Images(int count, int height, int width, byte[] pixels) {}

  static Images readImages(InputStream in, String what) {
    try (DataInputStream d = new DataInputStream(in)) {
      int magic = d.readInt();
      if (magic != 0x00000803) {
        throw new DataException(what + " is not an IDX image file of unsigned bytes (magic 0x"
            + Integer.toHexString(magic) + ", expected 0x803).");
      }
      int n = d.readInt();
      int h = d.readInt();
      int w = d.readInt();
      if (n < 1 || h < 1 || w < 1 || (long) n * h * w > Integer.MAX_VALUE) {
        throw new DataException(what + " declares " + n + " images of " + h + "x" + w
            + ", which is not a usable size.");
      }
      byte[] pixels = new byte[n * h * w];
      d.readFully(pixels);
      return new Images(n, h, w, pixels);
    } catch (EOFException e) {
      throw new DataException(
          what + " is truncated: it ends before the pixels its header declares.", e);
    } catch (IOException e) {
      throw new DataException(what + " could not be read: " + e.getMessage(), e);
    }
  }

  static int[] readLabels(InputStream in, String what) {
    try (DataInputStream d = new DataInputStream(in)) {
      int magic = d.readInt();
      if (magic != 0x00000801) {
        throw new DataException(what + " is not an IDX label file of unsigned bytes (magic 0x"
            + Integer.toHexString(magic) + ", expected 0x801).");
      }
      int n = d.readInt();
      if (n < 1) throw new DataException(what + " declares " + n + " labels.");
      byte[] raw = new byte[n];
      d.readFully(raw);
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) labels[i] = raw[i] & 0xff;
      return labels;
    } catch (EOFException e) {
      throw new DataException(
          what + " is truncated: it ends before the labels its header declares.", e);
    } catch (IOException e) {
      throw new DataException(what + " could not be read: " + e.getMessage(), e);
    }
  }
}
