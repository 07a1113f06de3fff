package bitlab.bench;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.model.Evaluation;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Zoo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * {@code ./bitlab bench data [images=N] [stream=M]}: the readers of the files people have, on MNIST-10k's first N
 * training images written as IDX, NPY, NPZ, CSV and a folder of PNGs (seconds per read, median of 3, side by side in
 * one process), then lenet5 evaluated on the PNG folder loaded and streamed, and on a streamed set of M images (the
 * folder's files repeated) too large for {@code images()} to load, with the Java heap's peak while it runs.
 */
final class DataBench {
  private DataBench() {}

  static void main(String[] args) throws Exception {
    int n = 10_000;
    int m = 600_000;
    for (String a : args) {
      if (a.startsWith("images=")) n = Integer.parseInt(a.substring(7));
      if (a.startsWith("stream=")) m = Integer.parseInt(a.substring(7));
    }
    Dataset mnist = Datasets.mnist();
    Samples src = mnist.train().take(Math.min(n, mnist.train().size()));
    n = src.size();
    float[] v = mnist.normalization().invert(src.images()).data().asFloat();
    byte[] pixels = new byte[v.length];
    for (int i = 0; i < v.length; i++) pixels[i] = (byte) Math.round(v[i] * 255);
    int[] labels = src.labels();
    Path dir = Files.createTempDirectory("bitlab-data-bench");
    System.out.printf(
        "data bench: %,d MNIST images of 28x28, written to a temporary folder; %d cores%n",
        n, Runtime.getRuntime().availableProcessors());
    write(dir, pixels, labels, n);
    final Path d = dir;
    time("IDX folder (gzip)", () -> Datasets.read(d.resolve("idx")));
    time("NPY pair (uint8, int64)", () -> Datasets.npy(d.resolve("x.npy"), d.resolve("y.npy")));
    time("NPZ (zip of the two)", () -> Datasets.npz(d.resolve("xy.npz")));
    time("CSV (label + 784 pixels)", () -> Datasets.csv(d.resolve("xy.csv")));
    time("PNG folder, loaded", () -> Datasets.images(d.resolve("png")));
    time(
        "PNG folder, streamed (listing only)",
        () -> Datasets.streamedImages(d.resolve("png"), 0, 0));

    Model lenet = Zoo.load("lenet5");
    Dataset loaded = lenet.prepare(Datasets.images(dir.resolve("png")));
    Dataset streamed = lenet.prepare(Datasets.streamedImages(dir.resolve("png"), 0, 0));
    Inference.evaluate(lenet, loaded.test().take(500)); // warm up the graph
    for (int round = 0; round < 2; round++) {
      for (Dataset ds : new Dataset[] {loaded, streamed}) {
        long t = System.nanoTime();
        Evaluation e = Inference.evaluate(lenet, ds.train());
        double s = (System.nanoTime() - t) / 1e9;
        System.out.printf(
            "lenet5 on the folder's %,d training images, %s: %.2f%% in %.2f s (%,.0f images/s)%n",
            ds.train().size(),
            ds.train().streamed() ? "streamed" : "loaded  ",
            100 * e.accuracy(),
            s,
            ds.train().size() / s);
      }
    }

    Path[] files = Files.walk(dir.resolve("png"))
        .filter(p -> p.toString().endsWith(".png"))
        .sorted()
        .toArray(Path[]::new);
    Path big = Files.createDirectories(dir.resolve("big/0"));
    // M names for the folder's files (hard links when the file system has them): a folder too large
    // to load
    for (int i = 0; i < m; i++) {
      Path link = big.resolve(i + ".png");
      try {
        Files.createLink(link, files[i % files.length]);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(files[i % files.length], link);
      }
    }
    Files.createDirectories(dir.resolve("big/1"));
    Files.copy(files[0], dir.resolve("big/1/0.png"));
    Dataset huge = lenet.prepare(Datasets.images(dir.resolve("big")));
    Samples all = huge.train();
    System.out.printf(
        "a folder of %,d images: streamed %s, %.2f GB as float32%n",
        m + 1,
        all.streamed(),
        (double) (huge.train().size() + huge.validation().size() + huge.test().size())
            * 784
            * 4
            / 1e9);
    System.gc();
    long before = used();
    AtomicLong peak = new AtomicLong(before);
    Thread watch = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(used(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    watch.setDaemon(true);
    watch.start();
    long t = System.nanoTime();
    Evaluation e = Inference.evaluate(lenet, all);
    double s = (System.nanoTime() - t) / 1e9;
    watch.interrupt();
    System.out.printf(
        "lenet5 on its %,d training images, streamed: %.2f%% in %.1f s (%,.0f images/s); Java heap %.0f MB before, "
            + "peak %.0f MB (max %.0f MB); images() would need %.2f GB%n",
        all.size(),
        100 * e.accuracy(),
        s,
        all.size() / s,
        before / 1e6,
        peak.get() / 1e6,
        Runtime.getRuntime().maxMemory() / 1e6,
        (double) all.size() * 784 * 4 / 1e9);
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static long used() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static void time(String what, Supplier<Dataset> read) {
    double[] s = new double[3];
    Dataset d = null;
    for (int i = 0; i < s.length; i++) {
      long t = System.nanoTime();
      d = read.get();
      s[i] = (System.nanoTime() - t) / 1e9;
    }
    Arrays.sort(s);
    int total = d.train().size() + d.validation().size() + d.test().size();
    System.out.printf("%-38s %7.3f s (median of 3; %,.0f images/s)%n", what, s[1], total / s[1]);
  }

  private static void write(Path dir, byte[] pixels, int[] labels, int n) throws IOException {
    Path idx = Files.createDirectories(dir.resolve("idx"));
    ByteBuffer h = ByteBuffer.allocate(16).putInt(0x803).putInt(n).putInt(28).putInt(28);
    gz(idx.resolve("train-images-idx3-ubyte.gz"), h.array(), pixels);
    byte[] l = new byte[n];
    for (int i = 0; i < n; i++) l[i] = (byte) labels[i];
    gz(
        idx.resolve("train-labels-idx1-ubyte.gz"),
        ByteBuffer.allocate(8).putInt(0x801).putInt(n).array(),
        l);
    byte[] x = npy("|u1", "(" + n + ", 28, 28)", pixels);
    ByteBuffer y = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int lab : labels) y.putLong(lab);
    byte[] yb = npy("<i8", "(" + n + ",)", y.array());
    Files.write(dir.resolve("x.npy"), x);
    Files.write(dir.resolve("y.npy"), yb);
    try (OutputStream out = Files.newOutputStream(dir.resolve("xy.npz"));
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("x.npy"));
      z.write(x);
      z.putNextEntry(new ZipEntry("y.npy"));
      z.write(yb);
    }
    StringBuilder csv = new StringBuilder("label");
    for (int k = 0; k < 784; k++) csv.append(",pixel").append(k);
    csv.append('\n');
    for (int i = 0; i < n; i++) {
      csv.append(labels[i]);
      for (int k = 0; k < 784; k++) csv.append(',').append(pixels[i * 784 + k] & 0xff);
      csv.append('\n');
    }
    Files.writeString(dir.resolve("xy.csv"), csv, StandardCharsets.US_ASCII);
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      for (int k = 0; k < 784; k++)
        img.getRaster().setSample(k % 28, k / 28, 0, pixels[i * 784 + k] & 0xff);
      Path f = Files.createDirectories(dir.resolve("png/" + labels[i])).resolve(i + ".png");
      ImageIO.write(img, "png", f.toFile());
    }
  }

  private static void gz(Path file, byte[] header, byte[] body) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(header);
      out.write(body);
    }
  }

  private static byte[] npy(String descr, String shape, byte[] data) {
    StringBuilder h = new StringBuilder(
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }");
    while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
    h.append('\n');
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {
      (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length(), (byte) (h.length() >> 8)
    });
    b.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    b.writeBytes(data);
    return b.toByteArray();
  }
}
