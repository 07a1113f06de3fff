package bitlab.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * bitlab's weight file: gzip of a small versioned binary (magic, metadata strings, then each
 * parameter's name, shape and float32 values). Written to a temporary file and moved into place,
 * so a file is either whole or absent.
 */
public final class ParamsFile {
  private static final String MAGIC = "bitlab-params";
  private static final int VERSION = 1;

  /** What a weight file holds. */
  public record Contents(Map<String, INDArray> params, Map<String, String> metadata) {}

  private ParamsFile() {}

  public static void write(Path file, Model model) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    bitlab.files.WholeFile.write(file, os -> {
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(os)))) {
        out.writeUTF(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(model.metadata().size());
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
          out.writeUTF(e.getKey());
          out.writeUTF(e.getValue());
        }
        out.writeInt(model.params().size());
        for (Map.Entry<String, INDArray> e : model.params().entrySet()) {
          out.writeUTF(e.getKey());
          long[] shape = e.getValue().shape();
          out.writeInt(shape.length);
          for (long d : shape) out.writeLong(d);
          for (float v : e.getValue().dup('c').data().asFloat()) out.writeFloat(v);
        }
      }
    });
  }

  public static Contents read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new ModelException("No weight file at " + file + ".");
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  public static Contents read(InputStream raw, String where) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw)))) {
      if (!MAGIC.equals(in.readUTF()))
        throw new ModelException(where + " is not a bitlab weight file.");
      int version = in.readInt();
      if (version != VERSION)
        throw new ModelException(where + " has weight-file version " + version
            + "; this bitlab reads version " + VERSION + ".");
      Map<String, String> meta = new LinkedHashMap<>();
      int m = in.readInt();
      for (int i = 0; i < m; i++) meta.put(in.readUTF(), in.readUTF());
      Map<String, INDArray> params = new LinkedHashMap<>();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        long[] shape = new long[in.readInt()];
        long count = 1;
        for (int d = 0; d < shape.length; d++) count *= (shape[d] = in.readLong());
        float[] v = new float[Math.toIntExact(count)];
        for (int k = 0; k < v.length; k++) v[k] = in.readFloat();
        params.put(name, Nd4j.create(v, shape, 'c'));
      }
      return new Contents(params, meta);
    } catch (EOFException | java.util.zip.ZipException ex) {
      throw new ModelException(
          where + " is truncated or not a bitlab weight file; re-create it with ./bitlab train.",
          ex);
    }
  }
}
