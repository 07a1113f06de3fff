package bitlab.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reader for IDX files of unsigned bytes (the MNIST distribution format). */
final class Idx {
  private Idx() {}

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
        throw new DataException(what + " declares " + n + " images of " + h + "x" + w + ", which is not a usable size.");
      }
      byte[] pixels = new byte[n * h * w];
      d.readFully(pixels);
      return new Images(n, h, w, pixels);
    } catch (EOFException e) {
      throw new DataException(what + " is truncated: it ends before the pixels its header declares.", e);
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
      throw new DataException(what + " is truncated: it ends before the labels its header declares.", e);
    } catch (IOException e) {
      throw new DataException(what + " could not be read: " + e.getMessage(), e);
    }
  }
}
