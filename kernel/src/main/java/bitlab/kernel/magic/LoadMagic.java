package bitlab.kernel.magic;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code %load FILE}: evaluates a file of Java snippets (.java, .jsh) as if it were this cell's code. */
final class LoadMagic {
  private LoadMagic() {}

  static Object run(String args, String body, MagicContext ctx) throws Exception {
    String a = args.strip();
    if (a.isEmpty()) throw new MagicException("%load needs a file, e.g. '%load helpers.jsh'.");
    Path file = bitlab.files.TextFile.path(a, "a %load file", MagicException::new)
        .toAbsolutePath()
        .normalize();
    if (!Files.isRegularFile(file)) {
      throw new MagicException("%load: no file " + file + " (relative paths start at "
          + Path.of("").toAbsolutePath() + ").");
    }
    String code = bitlab.files.TextFile.read(
        file, "the %load file", "%load: no file " + file + ".", MagicException::new);
    return ctx.eval(code);
  }
}
