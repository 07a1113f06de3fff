package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.fixtures.Zoo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/haq_lut_to_csv.py end to end, on a .npy file in the published table's layout that this
 * test writes itself (the published table is not part of bitlab): convert, load as a lut target,
 * price. Needs python3 on the PATH.
 */
class HaqConverterTest {

  /** A C-ordered little-endian int64 .npy, format 1.0, with a header padded to 64 bytes as numpy writes it. */
  static void writeNpy(Path file, int[] shape, long[] values) throws IOException {
    String dims = shape.length == 1
        ? shape[0] + ","
        : String.join(
            ", ", java.util.Arrays.stream(shape).mapToObj(Integer::toString).toList());
    StringBuilder h =
        new StringBuilder("{'descr': '<i8', 'fortran_order': False, 'shape': (" + dims + "), }");
    while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
    h.append('\n');
    ByteBuffer b =
        ByteBuffer.allocate(10 + h.length() + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93)
        .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
        .put((byte) 1)
        .put((byte) 0);
    b.putShort((short) h.length()).put(h.toString().getBytes(StandardCharsets.US_ASCII));
    for (long v : values) b.putLong(v);
    Files.write(file, b.array());
  }

  static Process run(Path npy, Path out) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(
              "python3",
              "tools/haq_lut_to_csv.py",
              npy.toString(),
              out.toString(),
              "--name",
              "haq-test")
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      Assumptions.abort("python3 is not on the PATH: " + e.getMessage());
      throw e;
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "converter did not finish");
    return p;
  }

  static long value(int layer, int w, int a) {
    return 1000L * (layer + 1) + 10L * w * a + w;
  }

  @Test
  void convertsAPublishedLayoutTableIntoALoadableTarget(@TempDir Path dir) throws Exception {
    int layers = 4;
    long[] v = new long[layers * 64];
    long total8 = 0;
    for (int l = 0; l < layers; l++) {
      for (int w = 1; w <= 8; w++) {
        for (int a = 1; a <= 8; a++) v[(l * 8 + w - 1) * 8 + a - 1] = value(l, w, a);
      }
      total8 += value(l, 8, 8);
    }
    writeNpy(dir.resolve("t.npy"), new int[] {layers, 8, 8}, v);
    Process p = run(dir.resolve("t.npy"), dir.resolve("out"));
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), said);
    assertTrue(said.contains(String.format("%,d", total8)), said);

    Target t = Catalogue.builtIn().withDirectory(dir.resolve("out")).target("haq-test");
    assertEquals("lut", t.kind());
    assertEquals(16, t.batch());
    List<LayerWorkload> four = Zoo.resnet18(224).subList(0, layers);
    assertEquals(total8 * 1e-9, t.cost(four, Bits.W8A8).total().seconds(), 1e-15);
    assertEquals(
        value(2, 3, 5) * 1e-9, t.layer(2, four.get(2), Bits.of(3, 5)).cost().seconds(), 1e-18);
    List<Bits> policy = new java.util.ArrayList<>(Collections.nCopies(layers, Bits.W2A2));
    policy.set(1, Bits.of(7, 1));
    double want = (value(0, 2, 2) + value(1, 7, 1) + value(2, 2, 2) + value(3, 2, 2)) * 1e-9;
    assertEquals(want, t.table(four).total(policy).seconds(), 1e-15);
  }

  @Test
  void refusesATableOfTheWrongShape(@TempDir Path dir) throws Exception {
    writeNpy(dir.resolve("bad.npy"), new int[] {2, 8, 7}, new long[2 * 8 * 7]);
    Process p = run(dir.resolve("bad.npy"), dir.resolve("out"));
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertNotEquals(0, p.exitValue());
    assertTrue(said.contains("(2, 8, 7)") && said.contains("expected (layers, 8, 8)"), said);
  }
}
