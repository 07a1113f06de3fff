package bitlab.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Samples;
import bitlab.integer.Deployment;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.onnx.QdqExport;
import bitlab.onnx.QdqOptions;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code ./bitlab bench qdq clip [MODEL[@SIZE] ...] [batch=N] [rounds=N]}: what bitlab's narrow signed range costs ONNX
 * Runtime. The same W8A8 model (PTQ on 8 seeded random images, as the integer bench) is exported three ways: without a
 * Clip ({@link QdqOptions#U8U8}: a signed 8-bit code can reach the container's -128, which bitlab never writes), with
 * the Clip on the integer codes between QuantizeLinear and DequantizeLinear ({@link QdqOptions#EXACT}), and with the
 * Clip on the floats before QuantizeLinear (the exact export's form until now). Each runs in ONNX Runtime at its
 * default optimisations, in alternating rounds in one process beside the integer program; the bench prints the
 * median times, their ratios, how many of the seeded images' predictions each file shares with the integer program,
 * and which operators ONNX Runtime fused each file into.
 */
final class QdqClipBench {
  private QdqClipBench() {}

  static void run(List<String> args) throws Exception {
    int batch = 1;
    int rounds = 21;
    List<String> models = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("batch=")) batch = Integer.parseInt(a.substring(6));
      else if (a.startsWith("rounds=")) rounds = Integer.parseInt(a.substring(7));
      else models.add(a);
    }
    if (models.isEmpty()) models = List.of("resnet18@224", "mobilenet-v2@224");
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(
        "qdq clip bench: %d cores, ONNX Runtime with %d intra-op threads, batch %d, median of %d alternating rounds; load %s%n",
        cores, cores, batch, rounds, load());
    QdqOptions floats = QdqOptions.EXACT.withClip(QdqOptions.Clip.FLOATS);
    List<QdqOptions> files = List.of(QdqOptions.U8U8, QdqOptions.EXACT, floats);
    List<String> names = List.of("no clip", "clip codes", "clip floats");
    List<String> rows = new ArrayList<>();
    List<String> graphs = new ArrayList<>();
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String spec : models) {
        String[] p = spec.split("@");
        Model net =
            p.length > 1 ? bitlab.dsl.Bitlab.zoo(p[0], Integer.parseInt(p[1])) : Zoo.load(p[0]);
        Samples calib = IntegerBench.random(net, 8);
        QuantizedModel q = Quantizer.ptq(net, Policy.uniform(net, 8, 8), calib, PtqConfig.DEFAULT);
        IntegerModel iq = Deployment.integer(q);
        INDArray x = calib.images().get(NDArrayIndex.interval(0, batch)).dup();
        float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int[] integer = QdqBench.argMax(iq.predict(calib.images()));
        List<OrtSession> sessions = new ArrayList<>();
        List<String> agree = new ArrayList<>();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
          opts.setIntraOpNumThreads(cores);
          for (int k = 0; k < files.size(); k++) {
            byte[] bytes = QdqExport.toBytes(q, files.get(k));
            graphs.add(String.format(
                "%-18s %-12s %s", spec, names.get(k), QdqBench.optimizedOps(env, bytes)));
            OrtSession s = env.createSession(bytes, opts);
            sessions.add(s);
            float[] all = calib.images().castTo(DataType.FLOAT).dup('c').data().asFloat();
            int[] ort =
                QdqBench.argMax(IntegerBench.run(env, s, all, calib.images().shape()));
            int same = 0;
            for (int i = 0; i < ort.length; i++) if (ort[i] == integer[i]) same++;
            agree.add(same + "/" + ort.length);
          }
          List<Runnable> paths = new ArrayList<>();
          paths.add(() -> iq.predict(x));
          for (OrtSession s : sessions) paths.add(() -> IntegerBench.run(env, s, data, x.shape()));
          Latency.warm(iq, x);
          for (Runnable r : paths.subList(1, paths.size())) {
            long until = System.nanoTime() + 1_000_000_000L;
            for (int w = 0; w < 3 || System.nanoTime() < until; w++) r.run();
          }
          double[] ms = Latency.alternate(paths, rounds, 20, r -> {}, true);
          rows.add(String.format(
              "%-18s %9.2f %9.2f %9.2f %9.2f %11.2fx %11.2fx %9.2fx %9.2fx  %s",
              spec,
              ms[0],
              ms[1],
              ms[2],
              ms[3],
              ms[2] / ms[1],
              ms[3] / ms[1],
              ms[0] / ms[1],
              ms[0] / ms[2],
              String.join(" ", agree)));
          System.out.println(rows.get(rows.size() - 1));
        } finally {
          for (OrtSession s : sessions) s.close();
        }
      }
    }
    System.out.printf(
        "%n%-18s %9s %9s %9s %9s %12s %12s %10s %10s  %s%n",
        "model",
        "int ms",
        "none ms",
        "codes ms",
        "floats ms",
        "codes/none",
        "floats/none",
        "int/none",
        "int/codes",
        "same top-1 as integer (none codes floats)");
    rows.forEach(System.out::println);
    System.out.println("\nONNX Runtime's graph at the extended level (where its QDQ fusions run):");
    graphs.forEach(System.out::println);
    System.out.println("load at the end: " + load());
  }

  private static String load() {
    try {
      return Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
