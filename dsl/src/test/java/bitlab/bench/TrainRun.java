package bitlab.bench;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Calibration;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Qat;
import bitlab.quant.QatConfig;
import bitlab.quant.QatResult;
import bitlab.train.EpochRecord;
import bitlab.train.TrainConfig;
import bitlab.train.TrainResult;
import bitlab.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One training or QAT run in a JVM of its own, so that its peak resident memory is its own:
 * {@code train MODEL EPOCHS} (Adam, batch 64, from the seed-1 initial weights) or {@code qat MODEL EPOCHS}
 * (W4A4, MSE calibration, from the shipped weights). Prints one line:
 * {@code seconds=a,b,... accuracy=x peakRss=bytes}.
 */
final class TrainRun {
  private TrainRun() {}

  public static void main(String[] args) throws IOException {
    String what = args[0];
    String name = args[1];
    int epochs = Integer.parseInt(args[2]);
    Dataset mnist = Datasets.mnist();
    List<EpochRecord> history;
    double accuracy;
    if (what.equals("train")) {
      TrainResult r =
          Trainer.train(Zoo.architecture(name, 28, 1.0, 1), mnist, TrainConfig.adam(epochs, 1));
      history = r.history();
      accuracy = r.testAccuracy();
    } else {
      Model m = Zoo.load(name);
      QatResult r = Qat.train(
          m,
          Policy.uniform(bitlab.quant.BatchNormFolding.fold(m), 4, 4),
          mnist,
          PtqConfig.of(Calibration.MSE),
          QatConfig.of(epochs));
      history = r.history();
      accuracy = bitlab.integer.Deployment.evaluate(r.model(), mnist)
          .accuracy(); // on the test part, as for training
    }
    StringBuilder s = new StringBuilder("seconds=");
    for (int i = 0; i < history.size(); i++)
      s.append(i == 0 ? "" : ",").append(String.format("%.2f", history.get(i).seconds()));
    System.out.println(s + " accuracy=" + accuracy + " peakRss=" + peakRss());
  }

  /** The process's peak resident set ({@code VmHWM}), in bytes. */
  static long peakRss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }
    return -1;
  }
}
