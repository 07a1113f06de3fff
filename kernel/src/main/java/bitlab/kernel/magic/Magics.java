package bitlab.kernel.magic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry of magics and the parser that splits a cell into Java code and magic lines.
 *
 * <p>A cell whose first line is {@code %%name args} is handed whole to that cell magic. Otherwise
 * every line starting with {@code %name} is a line magic, run in order between the Java code
 * around it.
 */
public final class Magics {

  private static final Pattern LINE = Pattern.compile("^\\s*%(?!%)([A-Za-z_][\\w-]*)\\s*(.*)$");
  private static final Pattern CELL =
      Pattern.compile("^\\s*%%([A-Za-z_][\\w-]*)[ \\t]*([^\\n]*)\\n?");

  private final Map<String, Magic> line = new TreeMap<>();
  private final Map<String, Magic> cell = new TreeMap<>();

  public Magics line(String name, Magic m) {
    line.put(name, m);
    return this;
  }

  public Magics cell(String name, Magic m) {
    cell.put(name, m);
    return this;
  }

  /** bitlab's magics. */
  public static Magics standard() {
    return new Magics()
        .line("hardware", HardwareMagic::line)
        .cell("hardware", HardwareMagic::cell)
        .line("vars", VarsMagic::run)
        .line("time", TimeMagic::line)
        .cell("time", TimeMagic::cell)
        .line("classpath", ClasspathMagic::run)
        .line("load", LoadMagic::run);
  }

  public List<String> lineNames() {
    return List.copyOf(line.keySet());
  }

  public List<String> cellNames() {
    return List.copyOf(cell.keySet());
  }

  /** One piece of a cell: Java code (with magic lines blanked, so line numbers hold) or one magic. */
  public sealed interface Part permits Java, Call {}

  public record Java(String code) implements Part {}

  public record Call(String name, String args, String body, boolean cellMagic) implements Part {}

  public static List<Part> parse(String code) {
    Matcher cm = CELL.matcher(code);
    if (cm.lookingAt()) {
      return List.of(new Call(cm.group(1), cm.group(2).strip(), code.substring(cm.end()), true));
    }
    List<Part> parts = new ArrayList<>();
    String[] lines = code.split("\n", -1);
    StringBuilder java = new StringBuilder();
    boolean hasJava = false;
    for (int i = 0; i < lines.length; i++) {
      Matcher m = LINE.matcher(lines[i]);
      if (m.matches()) {
        if (hasJava) parts.add(new Java(java.toString()));
        parts.add(new Call(m.group(1), m.group(2).strip(), null, false));
        hasJava = false;
        // Later Java code starts with blank lines so that its line numbers are the cell's.
        java.setLength(0);
        java.append("\n".repeat(i + 1));
      } else {
        java.append(lines[i]);
        if (i + 1 < lines.length) java.append('\n');
        if (!lines[i].isBlank()) hasJava = true;
      }
    }
    if (hasJava) parts.add(new Java(java.toString()));
    return parts;
  }

  /** Runs one magic call. */
  public Object run(Call call, MagicContext ctx) throws Exception {
    Map<String, Magic> table = call.cellMagic() ? cell : line;
    Magic m = table.get(call.name());
    if (m == null) {
      throw new MagicException(
          "Unknown magic " + (call.cellMagic() ? "%%" : "%") + call.name() + ". " + "Line magics: "
              + names("%", line) + "; cell magics: " + names("%%", cell) + ".");
    }
    return m.run(call.args(), call.body(), ctx);
  }

  private static String names(String prefix, Map<String, Magic> table) {
    return String.join(", ", table.keySet().stream().map(n -> prefix + n).toList());
  }
}
