package bitlab.kernel.magic;

import bitlab.kernel.eval.Evaluator;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@code %classpath} lists the class path; {@code %classpath add PATH[:PATH...]} adds jars or folders. */
final class ClasspathMagic {
  private static final List<String> ADDED = new CopyOnWriteArrayList<>();

  private ClasspathMagic() {}

  static Object run(String args, String body, MagicContext ctx) {
    String a = args.strip();
    if (a.isEmpty()) {
      List<String> all = new ArrayList<>(
          List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
      all.addAll(ADDED);
      ctx.publisher().stream("stdout", String.join("\n", all) + "\n");
      return Evaluator.NO_VALUE;
    }
    if (!a.startsWith("add ")) {
      throw new MagicException(
          "%classpath takes no argument (list the class path) or 'add PATH', where PATH is a jar "
              + "or a folder of classes (several joined with '" + File.pathSeparator + "').");
    }
    for (String p : a.substring(4).strip().split(File.pathSeparator)) {
      Path path = Path.of(p).toAbsolutePath().normalize();
      if (!Files.exists(path))
        throw new MagicException(
            "%classpath add: " + path + " does not exist; give a jar file or a folder of classes.");
      ctx.evaluator().addToClasspath(path.toString());
      ADDED.add(path.toString());
      ctx.publisher().stream("stdout", "Added " + path + "\n");
    }
    return Evaluator.NO_VALUE;
  }
}
