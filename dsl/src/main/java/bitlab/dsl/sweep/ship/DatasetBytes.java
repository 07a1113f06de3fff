package bitlab.dsl.sweep.ship;

import bitlab.data.Dataset;
import bitlab.data.Normalization;
import bitlab.data.Samples;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A data set as bytes, to send to another JVM: a small versioned header (name, source, class names,
 * normalisation), then each part's name, shape, labels and float32 images as stored (already
 * normalised), so the copy has exactly the same pixels: train, whether a validation part follows, the
 * validation part, test.
 */
public final class DatasetBytes {
  private static final String MAGIC = "bitlab-dataset";
  private static final int VERSION = 2;

  private DatasetBytes() {}

  public static byte[] encode(Dataset d) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(d.name());
      out.writeUTF(d.source());
      out.writeInt(d.classNames().size());
      for (String c : d.classNames()) out.writeUTF(c);
      floats(out, d.normalization().mean());
      floats(out, d.normalization().std());
      out.writeBoolean(d.normalization().fromPixels());
      out.writeUTF(d.normalization().order().name());
      split(out, d.train());
      out.writeBoolean(d.hasValidation());
      if (d.hasValidation()) split(out, d.validation());
      split(out, d.test());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static Dataset decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      String magic = in.readUTF();
      int version = in.readInt();
      if (!MAGIC.equals(magic) || version != VERSION) {
        throw new IllegalStateException(
            "Not a bitlab data set of version " + VERSION + " (" + magic + " " + version + ").");
      }
      String name = in.readUTF();
      String source = in.readUTF();
      int n = in.readInt();
      List<String> classes = new ArrayList<>();
      for (int i = 0; i < n; i++) classes.add(in.readUTF());
      Normalization norm = new Normalization(
          floats(in),
          floats(in),
          in.readBoolean(),
          Normalization.ChannelOrder.valueOf(in.readUTF()));
      Samples train = split(in);
      Samples validation = in.readBoolean() ? split(in) : null;
      return new Dataset(name, train, validation, split(in), norm, classes, source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void split(DataOutputStream out, Samples s) throws IOException {
    out.writeUTF(s.name());
    out.writeInt(s.classes());
    long[] shape = s.images().shape();
    out.writeInt(shape.length);
    for (long d : shape) out.writeLong(d);
    int[] labels = s.labels();
    out.writeInt(labels.length);
    for (int l : labels) out.writeInt(l);
    float[] v = s.images().dup('c').data().asFloat();
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.BIG_ENDIAN);
    b.asFloatBuffer().put(v);
    out.writeInt(v.length);
    out.write(b.array());
  }

  private static Samples split(DataInputStream in) throws IOException {
    String name = in.readUTF();
    int classes = in.readInt();
    long[] shape = new long[in.readInt()];
    for (int i = 0; i < shape.length; i++) shape[i] = in.readLong();
    int[] labels = new int[in.readInt()];
    for (int i = 0; i < labels.length; i++) labels[i] = in.readInt();
    byte[] raw = new byte[4 * in.readInt()];
    in.readFully(raw);
    float[] v = new float[raw.length / 4];
    ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(v);
    INDArray images = Nd4j.create(v, shape, 'c').castTo(DataType.FLOAT);
    return new Samples(name, images, labels, classes);
  }

  private static void floats(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    for (float x : v) out.writeFloat(x);
  }

  private static float[] floats(DataInputStream in) throws IOException {
    float[] v = new float[in.readInt()];
    for (int i = 0; i < v.length; i++) v[i] = in.readFloat();
    return v;
  }
}
