package bitlab.dsl.cli;

import bitlab.dsl.hardware.SessionTargets;
import bitlab.dsl.hardware.TargetViews;
import bitlab.hardware.Parameter;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Targets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "hardware", description = "The hardware target catalogue: list the targets, or show one with its parameters and sources.",
    subcommands = {HardwareCommand.ListTargets.class, HardwareCommand.Show.class})
final class HardwareCommand {

  record Row(String name, String kind, String description, int batch, String keyParameters) {}

  record Param(String key, String value, String unit, String source) {}

  record Detail(String name, String kind, String description, int batch, List<Param> parameters, String calibration,
      String origin) {}

  @Command(name = "list", description = "One line per target: name, kind, images per run, key parameters.")
  static final class ListTargets implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override public Integer call() {
      List<Row> rows = SessionTargets.all().stream()
          .map(t -> new Row(t.name(), t.kind(), t.description().strip(), t.batch(), TargetViews.keyParameters(t)))
          .toList();
      if (json) {
        Json.print(rows);
      } else {
        System.out.printf("%-14s %-10s %5s  %s%n", "name", "kind", "batch", "key parameters");
        for (Row r : rows) System.out.printf("%-14s %-10s %5d  %s%n", r.name(), r.kind(), r.batch(), r.keyParameters());
      }
      return 0;
    }
  }

  @Command(name = "show", description = "One target: every parameter with its unit and source, and how it was calibrated.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET", description = "A target name (see 'bitlab hardware list').") String name;
    @Option(names = "--json", description = "Print JSON.") boolean json;
    @Option(names = "--yaml", description = "Print the target in the YAML file format (to save and edit).") boolean yaml;

    @Override public Integer call() {
      Target t = SessionTargets.named(name);
      if (yaml) {
        System.out.print(Targets.toYaml(t));
      } else if (json) {
        List<Param> ps = t.parameters().stream().map(HardwareCommand::param).toList();
        Json.print(new Detail(t.name(), t.kind(), t.description().strip(), t.batch(), ps, t.calibration().strip(), t.origin()));
      } else {
        System.out.print(TargetViews.render(t).data().get("text/plain"));
      }
      return 0;
    }
  }

  private static Param param(Parameter p) {
    return new Param(p.key(), p.value(), p.unit(), p.source());
  }
}
