package bitlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A weight file written whole (its compressed stream finished) reads back the same, over an old file that keeps its mode. */
class ParamsFileTest {
  @TempDir
  Path dir;

  @Test
  void weightsSurviveAWriteAndARead() throws Exception {
    Model net = Zoo.load("lenet5");
    Path file = dir.resolve("lenet5.params");
    Files.writeString(file, "an older file");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    ParamsFile.write(file, net);
    ParamsFile.Contents c = ParamsFile.read(file);
    assertEquals(net.params().keySet(), c.params().keySet());
    for (String k : net.params().keySet())
      assertEquals(net.params().get(k), c.params().get(k), k);
    assertEquals(net.metadata(), c.metadata());
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }
}
