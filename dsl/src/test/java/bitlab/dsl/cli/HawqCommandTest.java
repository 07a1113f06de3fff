package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Bits;
import bitlab.search.hawq.IlpJson;
import bitlab.search.hawq.IlpProblem;
import bitlab.search.hawq.IlpSolution;
import bitlab.search.hawq.IlpSolver;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bitlab hawq} and {@code bitlab ilp}: a plan's problem file replays to the same plan. */
class HawqCommandTest {
  @TempDir
  Path dir;

  @Test
  void hawqWritesAProblemThatIlpReplaysExactly() throws Exception {
    Path onnx = dir.resolve("lenet.onnx");
    bitlab.dsl.Bitlab.exportOnnx(
        bitlab.model.Zoo.architecture("lenet5", 28, 1.0, 0), onnx.toString());
    Path ilp = dir.resolve("lenet-ilp.json");
    MainTest.Run r = MainTest.run(
        "hawq",
        onnx.toString(),
        "--images",
        "32",
        "--probes",
        "2",
        "--bits",
        "2,4,8",
        "--size",
        "0.4",
        "--latency",
        "bismo-edge=0.8of8bit",
        "--fix-ends",
        "8",
        "--ilp-out",
        ilp.toString(),
        "--json");
    assertEquals(0, r.status(), r.err());
    JsonObject out = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(5, out.getAsJsonArray("traces").size());
    // a bare number is HAWQ-V3's point between the extremes; 0.5of8bit a fraction of the 8-bit cost
    assertEquals(
        "[\"size at 0.4 of the way from the cheapest policy to the dearest\","
            + "\"latency at most 0.8 of the all-8-bit latency on bismo-edge\"]",
        out.getAsJsonArray("budgets").toString());
    JsonObject solution = out.getAsJsonObject("solution");
    assertTrue(solution.get("provenOptimal").getAsBoolean());
    MainTest.Run replay = MainTest.run("ilp", "--input", ilp.toString(), "--json");
    assertEquals(0, replay.status(), replay.err());
    JsonObject again = JsonParser.parseString(replay.out()).getAsJsonObject();
    assertEquals(solution.get("objective").getAsDouble(), again.get("objective").getAsDouble(), 0);
    assertEquals(solution.getAsJsonArray("layers"), again.getAsJsonArray("layers"));
    assertEquals(
        "W8A8",
        again.getAsJsonArray("layers").get(0).getAsJsonObject().get("bits").getAsString());
  }

  @Test
  void ilpSolvesAHandWrittenFile() throws Exception {
    List<Bits> c = List.of(Bits.W4A4, Bits.W8A8);
    IlpProblem p = new IlpProblem(
        List.of(
            new IlpProblem.Layer(
                "a", c, new double[] {1.0, 0.1}, Map.of("size", new double[] {6, 12})),
            new IlpProblem.Layer(
                "b", c, new double[] {3.0, 0.2}, Map.of("size", new double[] {6, 12}))),
        List.of(new IlpProblem.Limit("size", "bytes", 18)),
        Map.of(),
        List.of());
    Path f = Files.writeString(dir.resolve("two.json"), IlpJson.write(p));
    MainTest.Run r = MainTest.run("ilp", "--input", f.toString());
    assertEquals(0, r.status(), r.err());
    IlpSolution s = IlpSolver.solve(p);
    assertEquals(List.of(Bits.W4A4, Bits.W8A8), s.bits());
    assertTrue(r.out().contains("b                    W8A8"), r.out());
  }

  @Test
  void brokenInputIsOneSentenceAndStatusTwo() throws Exception {
    MainTest.Run missing =
        MainTest.run("ilp", "--input", dir.resolve("none.json").toString());
    assertEquals(2, missing.status());
    assertTrue(
        missing.err().contains("There is no ILP file") && missing.err().contains("--ilp-out"),
        missing.err());
    Path bad = Files.writeString(
        dir.resolve("bad.json"),
        "{\"format\": \"bitlab-ilp/1\", \"layers\": [{\"name\": \"a\", \"candidates\": [\"W4A4\"], "
            + "\"omega\": [1]}], \"budgets\": [{\"name\": \"size\", \"limit\": 10}]}");
    MainTest.Run r = MainTest.run("ilp", "--input", bad.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("Layer 'a' has no 'size' costs"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }
}
