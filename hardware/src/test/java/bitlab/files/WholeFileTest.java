package bitlab.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file is written whole or not at all, keeps its mode, and a link stays a link. */
class WholeFileTest {
  @TempDir
  Path dir;

  List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aWriterThatFailsHalfWayLeavesTheOldFileAndNoTemporaryFile() throws Exception {
    Path p = dir.resolve("policy.json");
    Files.writeString(p, "old");
    IOException e = assertThrows(
        IOException.class,
        () -> WholeFile.write(p, out -> {
          out.write("half of the new".getBytes());
          throw new IOException("disk full");
        }));
    assertEquals("disk full", e.getMessage());
    assertEquals("old", Files.readString(p));
    assertEquals(List.of("policy.json"), names());
  }

  @Test
  void anExistingFileKeepsItsPermissionsAndANewOneIsNotOwnerOnly() throws Exception {
    Path p = dir.resolve("shared.json");
    Files.writeString(p, "old");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-r--"));
    WholeFile.write(p, "new");
    assertEquals("new", Files.readString(p));
    assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    // A new file gets what Files.createFile gives any new file here (the umask), not a temporary
    // file's rw-------.
    Path probe = Files.createFile(dir.resolve("probe"));
    Path fresh = dir.resolve("fresh.json");
    WholeFile.write(fresh, "x");
    assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(fresh));
  }

  @Test
  void aSymbolicLinkStaysALinkAndItsTargetIsReplaced() throws Exception {
    Files.createDirectories(dir.resolve("real"));
    Path real = dir.resolve("real/nb.json");
    Files.writeString(real, "old");
    Path link = dir.resolve("link.json");
    Files.createSymbolicLink(link, Path.of("real/nb.json"));
    assertEquals(real, WholeFile.write(link, out -> out.write("new".getBytes())));
    assertTrue(Files.isSymbolicLink(link));
    assertEquals("new", Files.readString(real));
    // A dangling link makes its target.
    Path dangling = dir.resolve("dangling.json");
    Files.createSymbolicLink(dangling, Path.of("real/later.json"));
    WholeFile.write(dangling, "made");
    assertTrue(Files.isSymbolicLink(dangling));
    assertEquals("made", Files.readString(dir.resolve("real/later.json")));
  }

  @Test
  void aFolderOrAMissingFolderIsNamedNotTheTemporaryFile() throws Exception {
    java.nio.file.FileSystemException e =
        assertThrows(java.nio.file.FileSystemException.class, () -> WholeFile.write(dir, "x"));
    assertEquals(dir.toString(), e.getFile());
    assertEquals("it is a folder; give the name of a file to write", e.getReason());
    Path missing = dir.resolve("no/such/folder");
    e = assertThrows(
        java.nio.file.NoSuchFileException.class,
        () -> WholeFile.write(missing.resolve("p.json"), "x"));
    assertEquals(missing.toString(), e.getFile());
    // checkWritable names the same mistakes before any work, and passes a file that can be written.
    assertEquals(
        "it is a folder; give the name of a file to write",
        assertThrows(java.nio.file.FileSystemException.class, () -> WholeFile.checkWritable(dir))
            .getReason());
    assertEquals(
        missing.toString(),
        assertThrows(
                java.nio.file.NoSuchFileException.class,
                () -> WholeFile.checkWritable(missing.resolve("p.json")))
            .getFile());
    WholeFile.checkWritable(dir.resolve("new.json"));
    assertEquals(List.of(), names());
  }

  @Test
  void aLoopOfLinksIsAnError() throws Exception {
    Files.createSymbolicLink(dir.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(dir.resolve("b"), Path.of("a"));
    IOException e = assertThrows(IOException.class, () -> WholeFile.write(dir.resolve("a"), "x"));
    assertTrue(e.getMessage().endsWith("is a loop of symbolic links"), e.getMessage());
  }
}
