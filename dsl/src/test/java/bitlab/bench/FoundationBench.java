package bitlab.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.nn.Net;
import bitlab.onnx.OnnxExport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The float engine's figures against its peers, side by side in one run (issue 19's targets):
 * <ul>
 *   <li>{@code inference [--samediff] [MODEL...]}: FP32 images/s of bitlab's {@link Net} against ONNX Runtime
 *       Java on the very same exported ONNX file, batch 1 and 64, alternating rounds (with {@code --samediff}
 *       also the previous SameDiff path); the four minis, resnet18 and mobilenet-v2 at 224 by default;</li>
 *   <li>{@code train [MODEL...]}: seconds of the second 8,000-image epoch (training plus the evaluation of the
 *       2,000 test images, batch 64, Adam) and peak resident memory, each run in a JVM of its own, against
 *       PyTorch CPU on the same ONNX architecture, initial weights, images, batch and threads
 *       ({@code tools/bench/torch_train.py}, run from {@code build/torch-venv}: make it with
 *       {@code tools/bench/torch-venv.sh}); two rounds, alternating;</li>
 *   <li>{@code qat [MODEL...]}: one epoch of W4A4 quantization-aware training per mini in a JVM of its own:
 *       seconds and peak resident memory.</li>
 * </ul>
 */
final class FoundationBench {
  private static final List<String> MINIS =
      List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini");
  private static final List<String> BIG = List.of("resnet18@224", "mobilenet-v2@224");

  private FoundationBench() {}

  static void run(String[] args) throws Exception {
    String part = args.length == 0 ? "inference" : args[0];
    List<String> rest =
        new ArrayList<>(Arrays.asList(args).subList(Math.min(1, args.length), args.length));
    boolean samediff = rest.remove("--samediff");
    System.out.printf(
        "bitlab float engine bench (%s): %d cores, JDK %s, CPU flags %s; shared machines make single timings noisy, "
            + "ratios within one run are what to read%n%n",
        part,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        cpu());
    switch (part) {
      case "inference" -> inference(rest.isEmpty() ? concat(MINIS, BIG) : rest, samediff);
      case "train" -> training(rest.isEmpty() ? MINIS : rest);
      case "qat" -> qat(rest.isEmpty() ? MINIS : rest);
      default ->
        throw new IllegalArgumentException(
            "The foundation bench runs inference, train or qat, not '" + part + "'.");
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Whether this CPU has AVX-512 and VNNI (the kernels oneDNN picks depend on it). */
  static String cpu() {
    try {
      String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .orElse("");
      List<String> out = new ArrayList<>();
      for (String f : List.of("avx2", "avx512f", "avx512_vnni", "amx_tile"))
        if ((" " + flags + " ").contains(" " + f + " ")) out.add(f);
      return String.join(" ", out);
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static Model model(String spec) {
    String[] p = spec.split("@");
    return p.length == 2 ? Zoo.architecture(p[0], Integer.parseInt(p[1]), 1.0, 0) : Zoo.load(p[0]);
  }

  // ------------------------------------------------------------------ inference

  private static void inference(List<String> models, boolean samediff) throws Exception {
    System.out.println(
        "FP32 inference, images/s (median of 7 alternating rounds), same ONNX file, same images; "
            + "targets: at least 0.5x ONNX Runtime at batch 64, 0.3x at batch 1");
    System.out.printf(
        "%-18s %6s %12s %12s %8s %7s%s%n",
        "model",
        "batch",
        "bitlab",
        "onnxruntime",
        "ratio",
        "target",
        samediff ? "     samediff  vs bitlab" : "");
    Dataset mnist = Datasets.mnist();
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String spec : models) {
        Model m = model(spec);
        Path file = Files.createTempFile("bench", ".onnx");
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            Net net = Net.compile(m, Net.Mode.INFERENCE)) {
          OnnxExport.write(m, file);
          opts.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
          try (OrtSession s = env.createSession(file.toString(), opts)) {
            for (int batch : new int[] {1, 64}) {
              INDArray x = images(m, mnist, batch);
              SameDiffPath old = samediff ? new SameDiffPath(m) : null;
              double[] r = throughput(env, s, net, old, x);
              double ratio = r[0] / r[1];
              double target = batch == 1 ? 0.3 : 0.5;
              System.out.printf(
                  "%-18s %6d %12.0f %12.0f %7.2fx %7s%s%n",
                  spec,
                  batch,
                  r[0],
                  r[1],
                  ratio,
                  ratio >= target ? "met" : "MISSED",
                  samediff ? String.format(" %12.0f %8.2fx", r[2], r[0] / r[2]) : "");
            }
          }
        } finally {
          Files.deleteIfExists(file);
        }
      }
    }
    System.out.println("\nratio = bitlab / onnxruntime throughput (above 1: bitlab faster)");
  }

  /** The first test images for MNIST-shaped models, seeded normal noise for ImageNet shapes. */
  private static INDArray images(Model m, Dataset mnist, int batch) {
    if (m.inputShape().height() == 28)
      return mnist.test().images().get(NDArrayIndex.interval(0, batch)).dup();
    Nd4j.getRandom().setSeed(1);
    return Nd4j.randn(DataType.FLOAT, m.inputShape().withBatch(batch));
  }

  /** Images per second for bitlab, ORT (and the SameDiff path), alternating rounds so that all see the same machine state. */
  private static double[] throughput(
      OrtEnvironment env, OrtSession s, Net net, SameDiffPath old, INDArray x) throws OrtException {
    int batch = (int) x.size(0);
    double perImage = x.length() / batch;
    int reps = (int) Math.max(2, Math.min(400 / batch, 4e6 / (perImage * batch)));
    float[] data = x.data().asFloat();
    long[] shape = x.shape();
    String input = s.getInputNames().iterator().next();
    Runnable bit = () -> net.logits(x);
    Runnable ort = () -> {
      try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
          OrtSession.Result r = s.run(Map.of(input, t))) {
        r.get(0);
      } catch (OrtException e) {
        throw new IllegalStateException(e);
      }
    };
    Runnable sd = old == null ? null : () -> old.logits(x);
    for (int warm = 0; warm < 3; warm++) {
      bit.run();
      ort.run();
      if (sd != null) sd.run();
    }
    double[][] rates = new double[3][7];
    for (int round = 0; round < 7; round++) {
      rates[0][round] = rate(bit, reps, batch);
      rates[1][round] = rate(ort, reps, batch);
      if (sd != null) rates[2][round] = rate(sd, Math.max(1, reps / 10), batch);
    }
    double[] out = new double[3];
    for (int k = 0; k < 3; k++) {
      Arrays.sort(rates[k]);
      out[k] = rates[k][3];
    }
    return out;
  }

  private static double rate(Runnable r, int reps, int batch) {
    sleep(
        20); // the other runtime's idle threads may still spin; on two cores that would be charged
    // to this one
    r.run();
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) r.run();
    return (double) batch * reps / ((System.nanoTime() - t0) / 1e9);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ training

  private static final Map<String, Double> EPOCH_TARGET =
      Map.of("lenet5", 3.0, "resnet-mini", 30.0, "mobilenet-v2-mini", 40.0);

  private static void training(List<String> models) throws Exception {
    Path torch = Path.of("build/torch-venv/bin/python");
    Path script = Path.of("tools/bench/torch_train.py");
    boolean peer = Files.isExecutable(torch) && Files.exists(script);
    System.out.println(
        "Training: seconds of the second 8,000-image MNIST epoch (training, then evaluating the 2,000 test images), batch 64, Adam lr 1e-3,");
    System.out.println(
        "seed-1 initial weights, each run in a process of its own (peak resident memory is that process's); two rounds, alternating");
    if (!peer)
      System.out.println(
          "(PyTorch column skipped: run tools/bench/torch-venv.sh from the repository root first)");
    Path dir = Files.createTempDirectory("bench-train");
    Dataset mnist = Datasets.mnist();
    Nd4j.writeAsNumpy(
        mnist.train().images().castTo(DataType.FLOAT), dir.resolve("train.npy").toFile());
    Nd4j.writeAsNumpy(
        Nd4j.createFromArray(mnist.train().labels()),
        dir.resolve("train-labels.npy").toFile());
    Nd4j.writeAsNumpy(
        mnist.test().images().castTo(DataType.FLOAT), dir.resolve("test.npy").toFile());
    Nd4j.writeAsNumpy(
        Nd4j.createFromArray(mnist.test().labels()),
        dir.resolve("test-labels.npy").toFile());
    System.out.printf(
        "%-18s %10s %10s %9s %10s %10s %9s %8s  %s%n",
        "model",
        "bitlab s",
        "peak RSS",
        "accuracy",
        "torch s",
        "peak RSS",
        "accuracy",
        "ratio",
        "targets");
    for (String name : models) {
      Path onnx = dir.resolve(name + ".onnx");
      OnnxExport.write(Zoo.architecture(name, 28, 1.0, 1), onnx);
      double best = Double.MAX_VALUE, bestTorch = Double.MAX_VALUE;
      long rss = 0, rssTorch = 0;
      double acc = Double.NaN, accTorch = Double.NaN;
      for (int round = 0; round < 2; round++) {
        Result b = child("train", name, 2);
        best = Math.min(best, b.seconds()[1]);
        rss = Math.max(rss, b.peakRss());
        acc = b.accuracy();
        if (peer) {
          Result t = torch(torch, script, onnx, dir);
          bestTorch = Math.min(bestTorch, t.seconds()[1]);
          rssTorch = Math.max(rssTorch, t.peakRss());
          accTorch = t.accuracy();
        }
      }
      double ratio = peer ? best / bestTorch : Double.NaN;
      List<String> verdicts = new ArrayList<>();
      Double target = EPOCH_TARGET.get(name);
      if (target != null)
        verdicts.add(String.format("epoch < %.0f s %s", target, best < target ? "met" : "MISSED"));
      if (peer) verdicts.add(String.format("<= 1.5x torch %s", ratio <= 1.5 ? "met" : "MISSED"));
      verdicts.add(String.format("RSS < 2 GB %s", rss < 2L << 30 ? "met" : "MISSED"));
      System.out.printf(
          "%-18s %10.1f %10s %8.2f%% %10s %10s %9s %8s  %s%n",
          name,
          best,
          mb(rss),
          100 * acc,
          peer ? String.format("%.1f", bestTorch) : "-",
          peer ? mb(rssTorch) : "-",
          peer ? String.format("%.2f%%", 100 * accTorch) : "-",
          peer ? String.format("%.2fx", ratio) : "-",
          String.join(", ", verdicts));
    }
    System.out.println("\nratio = bitlab / torch seconds (below 1: bitlab faster)");
  }

  private static void qat(List<String> models) throws Exception {
    System.out.println(
        "QAT: one epoch of W4A4 quantization-aware training (MSE calibration, STE) from the shipped weights, each in a process of its own");
    System.out.printf(
        "%-18s %10s %10s %9s  %s%n", "model", "seconds", "peak RSS", "accuracy", "target");
    for (String name : models) {
      Result r = child("qat", name, 1);
      System.out.printf(
          "%-18s %10.1f %10s %8.2f%%  RSS < 2 GB %s%n",
          name,
          r.seconds()[0],
          mb(r.peakRss()),
          100 * r.accuracy(),
          r.peakRss() < 2L << 30 ? "met" : "MISSED");
    }
  }

  private static String mb(long bytes) {
    return String.format("%,d MB", bytes >> 20);
  }

  record Result(double[] seconds, double accuracy, long peakRss) {}

  private static final Pattern LINE =
      Pattern.compile("seconds=([0-9.,]+) accuracy=([0-9.eE-]+|NaN) peakRss=(\\d+)");

  /** A {@link TrainRun} in a JVM of its own, with this JVM's options and class path. */
  private static Result child(String what, String model, int epochs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(List.of(
        "-cp",
        System.getProperty("java.class.path"),
        TrainRun.class.getName(),
        what,
        model,
        Integer.toString(epochs)));
    String out = runProcess(cmd);
    Matcher m = LINE.matcher(out);
    if (!m.find())
      throw new IllegalStateException(
          "the " + what + " run of " + model + " printed no result:\n" + out);
    double[] s =
        Arrays.stream(m.group(1).split(",")).mapToDouble(Double::parseDouble).toArray();
    return new Result(s, Double.parseDouble(m.group(2)), Long.parseLong(m.group(3)));
  }

  private static Result torch(Path python, Path script, Path onnx, Path dir) throws Exception {
    String out = runProcess(List.of(
        python.toString(),
        script.toString(),
        onnx.toString(),
        dir.resolve("train.npy").toString(),
        dir.resolve("train-labels.npy").toString(),
        "--test",
        dir.resolve("test.npy").toString(),
        dir.resolve("test-labels.npy").toString(),
        "--epochs",
        "2",
        "--batch",
        "64",
        "--threads",
        Integer.toString(Runtime.getRuntime().availableProcessors()),
        "--lr",
        "0.001"));
    com.google.gson.JsonObject j = com.google.gson.JsonParser.parseString(out.lines()
            .filter(l -> l.startsWith("{"))
            .reduce((a, b) -> b)
            .orElseThrow(
                () -> new IllegalStateException("torch_train.py printed no result:\n" + out)))
        .getAsJsonObject();
    double[] s = new double[j.getAsJsonArray("epochSeconds").size()];
    for (int i = 0; i < s.length; i++)
      s[i] = j.getAsJsonArray("epochSeconds").get(i).getAsDouble();
    return new Result(
        s, j.get("testAccuracy").getAsDouble(), j.get("peakRssBytes").getAsLong());
  }

  private static String runProcess(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = r.readLine()) != null; ) out.append(line).append('\n');
    }
    int code = p.waitFor();
    if (code != 0)
      throw new IllegalStateException(String.join(" ", cmd.subList(0, Math.min(3, cmd.size())))
          + "... exited " + code + ":\n" + out);
    return out.toString();
  }
}
