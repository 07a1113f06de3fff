package bitlab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

/** This kernel session's executed cells, for history requests (tail, range and glob search). */
final class History implements HistoryManager {
  static final int SESSION = 1;

  private record Cell(int number, String input, String output) {}

  private final List<Cell> cells = new ArrayList<>();

  synchronized void add(int number, String input, String output) {
    cells.add(new Cell(number, input, output == null ? "" : output));
  }

  @Override
  public synchronized List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
    int from = Math.max(0, cells.size() - Math.max(0, length));
    return entries(cells.subList(from, cells.size()), flags);
  }

  @Override
  public synchronized List<HistoryEntry> lookupRange(
      int session, int start, int stop, Set<ResultFlag> flags) {
    if (session != SESSION && session != 0) return List.of();
    List<Cell> hit = new ArrayList<>();
    for (Cell c : cells) {
      if (c.number() >= start && (stop <= 0 || c.number() < stop)) hit.add(c);
    }
    return entries(hit, flags);
  }

  @Override
  public synchronized List<HistoryEntry> search(String pattern, int length, Set<ResultFlag> flags) {
    Pattern glob = glob(pattern == null || pattern.isEmpty() ? "*" : pattern);
    List<Cell> hit = new ArrayList<>();
    for (Cell c : cells) if (glob.matcher(c.input()).matches()) hit.add(c);
    if (flags.contains(ResultFlag.UNIQUE)) {
      Map<String, Cell> latest = new LinkedHashMap<>();
      for (Cell c : hit) {
        latest.remove(c.input());
        latest.put(c.input(), c);
      }
      hit = new ArrayList<>(latest.values());
    }
    if (length > 0 && hit.size() > length) hit = hit.subList(hit.size() - length, hit.size());
    return entries(hit, flags);
  }

  private static List<HistoryEntry> entries(List<Cell> cells, Set<ResultFlag> flags) {
    boolean output = flags.contains(ResultFlag.INCLUDE_OUTPUT);
    List<HistoryEntry> out = new ArrayList<>();
    for (Cell c : cells)
      out.add(new HistoryEntry(SESSION, c.number(), c.input(), output ? c.output() : null));
    return out;
  }

  /** IPython's history globs: '*' any text, '?' one character, everything else literal. */
  static Pattern glob(String g) {
    StringBuilder re = new StringBuilder();
    for (char ch : g.toCharArray()) {
      switch (ch) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
