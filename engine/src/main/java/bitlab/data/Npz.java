package bitlab.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reader for NumPy's {@code .npz} archives ({@code numpy.savez} and {@code numpy.savez_compressed}):
 * a zip file of {@code .npy} entries, each named by its key.
 */
final class Npz {
  private Npz() {}

  /** The keys of the archive, in the archive's order, without reading any array. */
  static List<String> keys(Path file) {
    try (ZipFile zip = open(file)) {
      List<String> keys = new ArrayList<>();
      for (ZipEntry e : Collections.list(zip.entries())) {
        if (!e.isDirectory() && e.getName().endsWith(".npy"))
          keys.add(e.getName().substring(0, e.getName().length() - 4));
      }
      return keys;
    } catch (IOException e) {
      throw new DataException("File " + file + " could not be read: " + e.getMessage(), e);
    }
  }

  /** The arrays under these keys, in the order asked. */
  static Map<String, RawArray> read(Path file, List<String> wanted) {
    Map<String, RawArray> out = new LinkedHashMap<>();
    try (ZipFile zip = open(file)) {
      for (String key : wanted) {
        ZipEntry e = zip.getEntry(key + ".npy");
        if (e == null)
          throw new DataException(
              "File " + file + " has no array '" + key + "'; its arrays are " + keys(file) + ".");
        try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
          out.put(key, Npy.read(in, file + " [" + key + "]"));
        } catch (ZipException z) {
          throw new DataException(
              "File " + file + " is damaged: its array '" + key + "' cannot be unpacked ("
                  + z.getMessage() + "); save it again with numpy.savez.",
              z);
        }
      }
    } catch (IOException e) {
      throw new DataException("File " + file + " could not be read: " + e.getMessage(), e);
    }
    return out;
  }

  private static ZipFile open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new DataException("File " + file
          + (Files.isDirectory(file)
              ? " is a folder, not an .npz file."
              : " does not exist; " + "give the path of an .npz file that numpy.savez wrote."));
    }
    try {
      return new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new DataException(
          "File " + file
              + " is not an .npz archive (a zip of .npy arrays) or it is truncated; save it "
              + "again with numpy.savez(path, x_train=..., y_train=..., x_test=..., y_test=...).",
          e);
    }
  }
}
