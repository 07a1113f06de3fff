package bitlab.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way reading a user's text file fails is one sentence, word for word. */
class TextFileTest {
  @TempDir
  Path dir;

  String read(Path p) {
    return TextFile.read(
        p, "the ILP file", "There is no ILP file " + p + ".", IllegalArgumentException::new);
  }

  String failure(Path p) {
    return assertThrows(IllegalArgumentException.class, () -> read(p)).getMessage();
  }

  @Test
  void utf8TextIsReadAndAByteOrderMarkDropped() throws Exception {
    Path p = dir.resolve("a.json");
    Files.write(p, "\uFEFF{\"µ\": 1}".getBytes(StandardCharsets.UTF_8));
    assertEquals("{\"µ\": 1}", read(p));
  }

  @Test
  void aFolderAMissingFileAndNonUtf8TextAreSentences() throws Exception {
    assertEquals(
        "The ILP file '" + dir + "' is a folder, not a file; give the path of the file itself.",
        failure(dir));
    Path missing = dir.resolve("nope.json");
    assertEquals("There is no ILP file " + missing + ".", failure(missing));
    Path latin1 = dir.resolve("latin1.json");
    Files.write(latin1, "{\"caf\u00e9\": 1}".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(
        "The ILP file '" + latin1
            + "' is not UTF-8 text (byte 0xE9 at offset 5); is it the right file? Save it as UTF-8.",
        failure(latin1));
    Path binary = dir.resolve("model.bin");
    Files.write(binary, new byte[] {0x08, (byte) 0x80, 0x01});
    assertEquals(
        "The ILP file '" + binary
            + "' is not UTF-8 text (byte 0x80 at offset 1); is it the right file? Save it as UTF-8.",
        failure(binary));
  }

  @Test
  void aPathNoFileSystemHoldsIsASentence() {
    assertEquals(
        "'a\u0000b' cannot be the path of the ILP file: Nul character not allowed.",
        assertThrows(
                IllegalArgumentException.class,
                () -> TextFile.path("a\u0000b", "the ILP file", IllegalArgumentException::new))
            .getMessage());
  }
}
