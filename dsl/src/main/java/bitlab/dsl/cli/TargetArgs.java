package bitlab.dsl.cli;

import bitlab.dsl.hardware.SessionTargets;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The target catalogue of a CLI verb: the built-in targets plus the files of {@code --targets DIR} folders. */
final class TargetArgs {
  @Option(
      names = "--targets",
      paramLabel = "DIR",
      description =
          "A folder of target files (NAME.yaml) to search besides the built-in ones; repeatable.")
  List<Path> folders = List.of();

  Catalogue catalogue() {
    Catalogue c = Catalogue.builtIn();
    for (Path f : folders) c = c.withDirectory(f);
    return c;
  }

  Target target(String name) {
    return SessionTargets.lookup(
        catalogue(),
        folders,
        Map.of(),
        name,
        "Add a target by writing NAME.yaml into a folder and passing --targets FOLDER.");
  }
}
