package bitlab.kernel.magic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code %load FILE}: evaluates a file of Java snippets (.java, .jsh) as if it were this cell's code. */
final class LoadMagic {
  private LoadMagic() {}

  static Object run(String args, String body, MagicContext ctx) throws Exception {
    String a = args.strip();
    if (a.isEmpty()) throw new MagicException("%load needs a file, e.g. '%load helpers.jsh'.");
    Path file = Path.of(a).toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new MagicException("%load: no file " + file + " (relative paths start at " + Path.of("").toAbsolutePath() + ").");
    }
    String code;
    try {
      code = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MagicException("%load: could not read " + file + ": " + e.getMessage());
    }
    return ctx.eval(code);
  }
}
