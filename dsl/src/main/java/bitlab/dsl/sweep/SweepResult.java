package bitlab.dsl.sweep;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.dsl.sweep.job.JobResult;
import bitlab.dsl.sweep.job.SweepRow;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

/**
 * What a sweep produced: a row per finished job (those resumed from its file included), the jobs that
 * failed with their sentences, whether it was stopped early, where it ran and where its rows are.
 * Renders as its table and a chart of accuracy against cost per method.
 *
 * @param resumed rows that were already in the file when the sweep started
 */
public record SweepResult(
    int jobs,
    List<SweepRow> rows,
    List<JobResult> failures,
    boolean stopped,
    String runner,
    Path file,
    int resumed,
    List<String> targets)
    implements Renderable {

  public SweepResult {
    rows = rows.stream().sorted(Comparator.comparingInt(SweepRow::job)).toList();
    failures =
        failures.stream().sorted(Comparator.comparingInt(f -> f.job().index())).toList();
    targets = List.copyOf(targets);
  }

  /** The row of job {@code index} (1-based, as the table numbers them), or null if it has none. */
  public SweepRow row(int index) {
    return rows.stream().filter(r -> r.job() == index).findFirst().orElse(null);
  }

  public Table table() {
    return SweepViews.table("sweep: " + rows.size() + " of " + jobs + " jobs", rows, targets);
  }

  public XYChart chart() {
    return SweepViews.chart("test accuracy against cost, per method", rows);
  }

  /** One line: jobs done, failed, resumed, where. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append(rows.size()).append(" of ").append(jobs).append(" jobs done");
    if (resumed > 0) b.append(" (").append(resumed).append(" resumed from the file)");
    if (!failures.isEmpty()) b.append(", ").append(failures.size()).append(" failed");
    if (stopped) b.append(", stopped early: run it again to resume");
    b.append(", on ").append(runner);
    if (file != null) b.append("; rows in ").append(file.getFileName());
    return b.toString();
  }

  @Override
  public MimeBundle render() {
    String html = "<p>" + TableHtml.escape(summary()) + "</p>" + TableHtml.html(table(), 200)
        + SweepViews.failuresHtml(failures) + (rows.isEmpty() ? "" : SweepViews.img(chart()));
    return MimeBundle.html(toString(), html);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("sweep: ").append(summary()).append('\n');
    if (!rows.isEmpty()) b.append(table().print(200)).append('\n');
    for (JobResult f : failures) b.append("failed: ").append(f.error()).append('\n');
    return b.toString();
  }
}
