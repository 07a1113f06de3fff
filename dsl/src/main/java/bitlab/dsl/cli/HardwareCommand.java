package bitlab.dsl.cli;

import bitlab.dsl.hardware.TargetViews;
import bitlab.hardware.Parameter;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.catalogue.Targets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tech.tablesaw.api.Table;

@Command(
    name = "hardware",
    description =
        "The hardware target catalogue: list the targets, or show one with its parameters and sources.",
    subcommands = {HardwareCommand.ListTargets.class, HardwareCommand.Show.class})
final class HardwareCommand {

  /** One target; a file that does not load has kind "error", its message as description and no batch. */
  record Row(String name, String kind, String description, Integer batch, String keyParameters) {}

  record Param(String key, String value, String unit, String source) {}

  record Detail(
      String name,
      String kind,
      String description,
      int batch,
      List<Param> parameters,
      String calibration,
      String origin) {}

  @Command(
      name = "list",
      description = "One line per target: name, kind, images per run, key parameters.")
  static final class ListTargets implements Callable<Integer> {
    @Mixin
    TargetArgs targets;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      Catalogue c = targets.catalogue();
      Table t = TargetViews.catalogue(c.names(), c::target);
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < t.rowCount(); i++) {
        rows.add(new Row(
            t.stringColumn("name").get(i),
            t.stringColumn("kind").get(i),
            t.stringColumn("description").get(i),
            t.intColumn("batch").isMissing(i) ? null : t.intColumn("batch").get(i),
            t.stringColumn("key parameters").get(i)));
      }
      if (json) {
        Json.print(rows);
      } else {
        System.out.printf("%-14s %-10s %5s  %s%n", "name", "kind", "batch", "key parameters");
        for (Row r : rows) {
          String detail = r.kind().equals("error") ? r.description() : r.keyParameters();
          System.out.printf(
              "%-14s %-10s %5s  %s%n",
              r.name(), r.kind(), r.batch() == null ? "" : r.batch(), detail);
        }
      }
      return 0;
    }
  }

  @Command(
      name = "show",
      description =
          "One target: every parameter with its unit and source, and how it was calibrated.")
  static final class Show implements Callable<Integer> {
    @Parameters(
        index = "0",
        paramLabel = "TARGET",
        description = "A target name (see 'bitlab hardware list').")
    String name;

    @Mixin
    TargetArgs targets;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(
        names = "--yaml",
        description = "Print the target in the YAML file format (to save and edit).")
    boolean yaml;

    @Override
    public Integer call() {
      Target t = targets.target(name);
      if (yaml) {
        System.out.print(Targets.toYaml(t));
      } else if (json) {
        List<Param> ps = t.parameters().stream().map(HardwareCommand::param).toList();
        Json.print(new Detail(
            t.name(),
            t.kind(),
            t.description().strip(),
            t.batch(),
            ps,
            t.calibration().strip(),
            t.origin()));
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
