package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.DataVocabularyTest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --data FILE}, {@code --mean} and {@code --std} on the command line. */
class DataCliTest {
  @Test
  void evalReadsADataFileAndAppliesTheDeclaredNormalisation(@TempDir Path dir) throws IOException {
    Path csv = DataVocabularyTest.csv(dir.resolve("few.csv"), DataVocabularyTest.mnistPixels(200));
    MainTest.Run r = MainTest.run("eval", "lenet5", "--data", csv.toString(), "--json");
    assertEquals(0, r.status(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(40, o.get("total").getAsInt());
    double right = o.get("accuracy").getAsDouble();
    assertTrue(right >= 0.95, r.out());
    MainTest.Run wrong = MainTest.run(
        "eval", "lenet5", "--data", csv.toString(), "--mean", "0.9", "--std", "0.05", "--json");
    assertEquals(0, wrong.status(), wrong.err());
    assertTrue(
        JsonParser.parseString(wrong.out()).getAsJsonObject().get("accuracy").getAsDouble()
            < right - 0.2,
        wrong.out());
  }

  @Test
  void anImportedModelThatDeclaresNoPreprocessingIsNamedUnlessTheCommandLineGivesIt(
      @TempDir Path dir) {
    Path file = dir.resolve("plain.onnx");
    bitlab.onnx.OnnxExport.write(bitlab.model.Zoo.architecture("lenet5", 28, 1.0, 0), file);
    MainTest.Run plain = MainTest.run("eval", file.toString(), "--json");
    assertEquals(0, plain.status(), plain.err());
    assertTrue(
        plain.err().contains("does not declare its preprocessing")
            && plain.err().contains("--mean and --std"),
        plain.err());
    MainTest.Run declared =
        MainTest.run("eval", file.toString(), "--mean", "0.1307", "--std", "0.3081", "--json");
    assertEquals(0, declared.status(), declared.err());
    assertTrue(!declared.err().contains("does not declare"), declared.err());
    MainTest.Run zoo = MainTest.run("eval", "lenet5", "--json");
    assertTrue(!zoo.err().contains("does not declare"), zoo.err());
  }

  @Test
  void mistakesAreOneSentenceAndStatus2() {
    MainTest.Run half = MainTest.run("eval", "lenet5", "--mean", "0.5");
    assertEquals(2, half.status());
    assertEquals(
        "bitlab eval: Give --mean and --std together (one value per input channel, for pixels in [0, 1]), e.g. "
            + "--mean 0.485,0.456,0.406 --std 0.229,0.224,0.225.\n",
        half.err());
    MainTest.Run shape = MainTest.run("eval", "lenet5", "--data", "digits");
    assertEquals(2, shape.status());
    assertTrue(
        shape
            .err()
            .startsWith(
                "bitlab eval: Model 'lenet5' takes 28x28 images but data set digits has 8x8 ones"),
        shape.err());
    MainTest.Run unknown = MainTest.run("eval", "lenet5", "--data", "emnist");
    assertEquals(2, unknown.status());
    assertTrue(unknown.err().contains("Unknown data set 'emnist'"), unknown.err());
  }
}
