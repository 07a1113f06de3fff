package bitlab.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads a text file a user named (an ILP problem, a policy, a target, a %load file) as UTF-8, and
 * turns every way that can fail into one sentence naming the file, what is wrong and what to do:
 * a missing file, a folder, a file that is not UTF-8 text (with the offset of the first bad byte),
 * no permission, one too big to be what it claims. Each caller gives its own exception type, so
 * the sentence reaches the user the way that caller's errors do.
 */
public final class TextFile {
  /** Text files bitlab reads are problems, policies and targets: far below this. */
  static final long MAX_BYTES = 256L << 20;

  private TextFile() {}

  /**
   * The file's text. {@code what} names it in sentences ("the ILP file"); {@code missing} is the
   * sentence for a file that does not exist; {@code error} makes the caller's exception.
   */
  public static String read(
      Path path, String what, String missing, Function<String, ? extends RuntimeException> error) {
    byte[] bytes;
    try {
      if (Files.isDirectory(path)) {
        throw error.apply(capital(what) + " '" + path
            + "' is a folder, not a file; give the path of the file itself.");
      }
      if (!Files.exists(path)) throw error.apply(missing);
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        throw error.apply(String.format(
            Locale.ROOT,
            "%s '%s' is %,d MB, too big to be %s (bitlab reads up to %d MB); is it the right file?",
            capital(what),
            path,
            size >> 20,
            what,
            MAX_BYTES >> 20));
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw error.apply(missing);
    } catch (AccessDeniedException e) {
      throw error.apply(capital(what) + " '" + path + "' cannot be read: permission denied.");
    } catch (IOException | InvalidPathException e) {
      throw error.apply(capital(what) + " '" + path + "' cannot be read: " + e.getMessage() + ".");
    }
    return decode(bytes, path, what, error);
  }

  /** The path of a string a user typed, or the caller's exception if no file system could hold it. */
  public static Path path(
      String text, String what, Function<String, ? extends RuntimeException> error) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw error.apply(
          "'" + text + "' cannot be the path of " + what + ": " + e.getReason() + ".");
    }
  }

  private static String decode(
      byte[] bytes, Path path, String what, Function<String, ? extends RuntimeException> error) {
    CharsetDecoder d = StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = d.decode(in, out, true);
    if (r.isError()) {
      int at = in.position();
      throw error.apply(String.format(
          Locale.ROOT,
          "%s '%s' is not UTF-8 text (byte 0x%02X at offset %d); is it the right file? "
              + "Save it as UTF-8.",
          capital(what),
          path,
          bytes[at] & 0xff,
          at));
    }
    try {
      d.flush(out);
    } catch (IllegalStateException e) {
      throw error.apply(capital(what) + " '" + path + "' could not be decoded as UTF-8.");
    }
    out.flip();
    String s = out.toString();
    return s.startsWith("\uFEFF") ? s.substring(1) : s; // a byte-order mark is not part of the text
  }

  private static String capital(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
