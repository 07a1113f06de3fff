package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Bits;
import bitlab.model.Model;
import bitlab.model.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {
  private static final Model LENET = Zoo.architecture("lenet5", 28, 1, 0);

  /** A policy saved over a shared file behind a link (a notebook's folder of policies) keeps the link and the file's mode. */
  @Test
  void savingOverALinkedFileKeepsTheLinkAndItsMode(@TempDir Path dir) throws Exception {
    Path real = dir.resolve("shared.json");
    Files.writeString(real, "{}");
    Files.setPosixFilePermissions(
        real, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
    Path link = Files.createSymbolicLink(dir.resolve("mine.json"), real.getFileName());
    Policy p = Policy.uniform(LENET, 4, 8);
    p.write(link);
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(p, Policy.read(real));
    assertEquals(
        "rw-rw-r--",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
  }

  @Test
  void roundTripsThroughJsonAndFiles(@TempDir Path dir) {
    Policy p = Policy.uniform(LENET, 4, 8).with("conv1", 8, 8).with("fc3", 32, 32);
    assertEquals(p, Policy.fromJson(p.toJson()));
    assertTrue(p.toJson().contains("\"format\": \"bitlab.policy\""));
    Path f = dir.resolve("p.json");
    p.write(f);
    assertEquals(p, Policy.read(f));
    assertEquals("mixed (W4..32, A8..32)", p.summary());
    assertEquals("W4A8", Policy.uniform(LENET, 4, 8).summary());
  }

  @Test
  void bopsAndSizeFollowTheBits() {
    Policy p8 = Policy.uniform(LENET, 8, 8);
    Policy p4 = Policy.uniform(LENET, 4, 4);
    assertEquals(LENET.macs() * 64, p8.bops(LENET));
    assertEquals(LENET.macs() * 16, p4.bops(LENET));
    long weights = LENET.layers().stream()
        .mapToLong(n -> LENET.param(n.param("weight")).length())
        .sum();
    long channels = LENET.layers().stream()
        .mapToLong(n -> LENET.param(n.param("weight")).size(0))
        .sum();
    assertEquals(weights + 8 * channels, p8.sizeBytes(LENET));
    assertEquals(weights / 2 + 8 * channels, p4.sizeBytes(LENET), 5);
    assertEquals(List.of(Bits.W8A8, Bits.W8A8, Bits.W8A8, Bits.W8A8, Bits.W8A8), p8.bits());
  }

  @Test
  void badPoliciesNameTheLayers() {
    Policy missing =
        new Policy("lenet5", List.of(new LayerBits("conv1", 8, 8), new LayerBits("conv2", 8, 8)));
    QuantException e = assertThrows(QuantException.class, () -> missing.validate(LENET));
    assertEquals(
        "The policy gives no bits for layers 'fc1', 'fc2', 'fc3' of model 'lenet5'; give every layer a pair "
            + "(Policy.uniform(model, w, a) covers all).",
        e.getMessage());
    Policy unknown = Policy.uniform(LENET, 8, 8).with("fc3", 8, 8);
    Policy renamed = new Policy(
        "lenet5",
        List.of(
            new LayerBits("conv1", 8, 8),
            new LayerBits("conv3", 8, 8),
            new LayerBits("conv2", 8, 8),
            new LayerBits("fc1", 8, 8),
            new LayerBits("fc2", 8, 8),
            new LayerBits("fc3", 8, 8)));
    e = assertThrows(QuantException.class, () -> renamed.validate(LENET));
    assertEquals(
        "The policy names layer 'conv3', not in model 'lenet5'; its layers are conv1, conv2, fc1, fc2, fc3.",
        e.getMessage());
    unknown.validate(LENET);
    e = assertThrows(QuantException.class, () -> new LayerBits("fc1", 0, 8));
    assertEquals(
        "Layer 'fc1' asks for 0 weight bits; use 1..16, or 32 to keep it in float.",
        e.getMessage());
    e = assertThrows(QuantException.class, () -> Policy.fromJson("{\"format\":\"other\"}"));
    assertTrue(e.getMessage().startsWith("This JSON is not a bitlab policy"));
    e = assertThrows(
        QuantException.class,
        () -> Policy.fromJson("{\"format\":\"bitlab.policy\",\"version\":2,\"layers\":[]}"));
    assertEquals("This policy is version 2; this bitlab reads version 1.", e.getMessage());
    e = assertThrows(QuantException.class, () -> Policy.uniform(LENET, 12, 8).bits());
    assertTrue(e.getMessage().contains("hardware targets price 1..8, 16 or 32 bits only"));
  }

  @Test
  void readingAMissingFileSaysSo(@TempDir Path dir) {
    Path f = dir.resolve("none.json");
    QuantException e = assertThrows(QuantException.class, () -> Policy.read(f));
    assertEquals("There is no policy file at " + f + ".", e.getMessage());
    assertTrue(Files.notExists(f));
  }
}
