package bitlab.search.hawq;

import bitlab.hardware.Bits;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file form of an {@link IlpProblem} and of its solution ({@code "format": "bitlab-ilp/1"}):
 * <pre>{@code
 * {"format": "bitlab-ilp/1",
 *  "layers": [{"name": "conv1", "candidates": ["W4A4", "W8A8"], "omega": [0.12, 0.0004],
 *              "costs": {"size": [75, 150], "latency@bismo-edge": [1.1e-4, 3.9e-4]}}, ...],
 *  "budgets": [{"name": "size", "unit": "bytes", "limit": 30000}],
 *  "fixed": {"conv1": "W8A8"},
 *  "ties": [["conv2", "downsample"]]}
 * }</pre>
 * Numbers are written with full double precision so a published problem replays exactly.
 */
public final class IlpJson {
  public static final String FORMAT = "bitlab-ilp/1";
  private static final Gson GSON = new GsonBuilder()
      .setPrettyPrinting()
      .serializeSpecialFloatingPointValues()
      .create();
  private static final Pattern PAIR = Pattern.compile("W(\\d+)A(\\d+)");

  private IlpJson() {}

  public static String write(IlpProblem p) {
    return GSON.toJson(toJson(p));
  }

  public static JsonObject toJson(IlpProblem p) {
    JsonObject o = new JsonObject();
    o.addProperty("format", FORMAT);
    JsonArray layers = new JsonArray();
    for (IlpProblem.Layer l : p.layers()) {
      JsonObject j = new JsonObject();
      j.addProperty("name", l.name());
      JsonArray c = new JsonArray();
      l.candidates().forEach(b -> c.add(b.toString()));
      j.add("candidates", c);
      j.add("omega", numbers(l.omega()));
      JsonObject costs = new JsonObject();
      l.costs().forEach((k, v) -> costs.add(k, numbers(v)));
      j.add("costs", costs);
      layers.add(j);
    }
    o.add("layers", layers);
    JsonArray budgets = new JsonArray();
    for (IlpProblem.Limit lim : p.limits()) {
      JsonObject j = new JsonObject();
      j.addProperty("name", lim.budget());
      j.addProperty("unit", lim.unit());
      j.addProperty("limit", lim.limit());
      budgets.add(j);
    }
    o.add("budgets", budgets);
    JsonObject fixed = new JsonObject();
    p.fixed().forEach((k, v) -> fixed.addProperty(k, v.toString()));
    o.add("fixed", fixed);
    JsonArray ties = new JsonArray();
    for (List<String> t : p.ties()) {
      JsonArray a = new JsonArray();
      t.forEach(a::add);
      ties.add(a);
    }
    o.add("ties", ties);
    return o;
  }

  /** The solution as JSON: per layer its pair and Omega, the objective, budget use, time and proof. */
  public static JsonObject toJson(IlpSolution s) {
    JsonObject o = new JsonObject();
    JsonArray layers = new JsonArray();
    for (int i = 0; i < s.layers().size(); i++) {
      JsonObject j = new JsonObject();
      j.addProperty("name", s.layers().get(i));
      j.addProperty("bits", s.bits().get(i).toString());
      j.addProperty("omega", s.omega()[i]);
      layers.add(j);
    }
    o.add("layers", layers);
    o.addProperty("objective", s.objective());
    JsonArray usage = new JsonArray();
    for (IlpSolution.Usage u : s.usage()) {
      JsonObject j = new JsonObject();
      j.addProperty("name", u.budget());
      j.addProperty("unit", u.unit());
      j.addProperty("used", u.used());
      j.addProperty("limit", u.limit());
      j.addProperty("cheapest", u.low());
      j.addProperty("dearest", u.high());
      usage.add(j);
    }
    o.add("budgets", usage);
    o.addProperty("millis", s.millis());
    if (s.proof() != null) {
      o.addProperty("provenOptimal", s.proof().proven());
      o.addProperty("lowerBound", s.proof().lowerBound());
      o.addProperty("gap", s.gap());
      o.addProperty("timeLimitSeconds", s.proof().limitSeconds());
      o.addProperty("ojalgoOptimal", s.proof().solverOptimal());
      o.addProperty("searchNodes", s.proof().nodes());
    }
    return o;
  }

  public static String pretty(JsonElement e) {
    return GSON.toJson(e);
  }

  /** Reads a problem; every missing or malformed entry is an {@link IlpInputException} naming it ({@code source} names the file). */
  public static IlpProblem read(String json, String source) {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(json);
      if (!e.isJsonObject())
        throw new IlpInputException(
            source + " is not a JSON object; an ILP file starts with {\"format\": \"" + FORMAT
                + "\", ...}.");
      o = e.getAsJsonObject();
    } catch (JsonParseException ex) {
      throw new IlpInputException(source + " is not valid JSON: " + ex.getMessage());
    }
    String format =
        o.has("format") && isString(o.get("format")) ? o.get("format").getAsString() : null;
    if (!FORMAT.equals(format)) {
      throw new IlpInputException(
          source + " has format " + (format == null ? "(none)" : "'" + format + "'")
              + "; this bitlab reads '" + FORMAT + "'.");
    }
    List<IlpProblem.Layer> layers = new ArrayList<>();
    JsonArray ls = array(o, "layers", source);
    for (int i = 0; i < ls.size(); i++) {
      String where = source + " layers[" + i + "]";
      if (!ls.get(i).isJsonObject()) throw new IlpInputException(where + " is not an object.");
      JsonObject l = ls.get(i).getAsJsonObject();
      String name = string(l, "name", where);
      where = source + " layer '" + name + "'";
      List<Bits> cand = new ArrayList<>();
      for (JsonElement c : array(l, "candidates", where)) cand.add(pair(c, where));
      double[] omega = doubles(array(l, "omega", where), where + " omega");
      Map<String, double[]> costs = new LinkedHashMap<>();
      if (l.has("costs")) {
        if (!l.get("costs").isJsonObject())
          throw new IlpInputException(
              where + " 'costs' must be an object of budget name -> list of numbers.");
        for (Map.Entry<String, JsonElement> e : l.getAsJsonObject("costs").entrySet()) {
          if (!e.getValue().isJsonArray())
            throw new IlpInputException(
                where + " costs '" + e.getKey() + "' must be a list of numbers.");
          costs.put(
              e.getKey(),
              doubles(e.getValue().getAsJsonArray(), where + " costs '" + e.getKey() + "'"));
        }
      }
      layers.add(new IlpProblem.Layer(name, cand, omega, costs));
    }
    List<IlpProblem.Limit> limits = new ArrayList<>();
    if (o.has("budgets")) {
      JsonArray bs = array(o, "budgets", source);
      for (int i = 0; i < bs.size(); i++) {
        String where = source + " budgets[" + i + "]";
        if (!bs.get(i).isJsonObject()) throw new IlpInputException(where + " is not an object.");
        JsonObject b = bs.get(i).getAsJsonObject();
        limits.add(new IlpProblem.Limit(
            string(b, "name", where), optionalString(b, "unit", where), number(b, "limit", where)));
      }
    }
    Map<String, Bits> fixed = new LinkedHashMap<>();
    if (o.has("fixed")) {
      if (!o.get("fixed").isJsonObject())
        throw new IlpInputException(
            source + " 'fixed' must be an object of layer name -> pair such as \"W8A8\".");
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("fixed").entrySet())
        fixed.put(e.getKey(), pair(e.getValue(), source + " fixed '" + e.getKey() + "'"));
    }
    List<List<String>> ties = new ArrayList<>();
    if (o.has("ties")) {
      JsonArray ts = array(o, "ties", source);
      for (int i = 0; i < ts.size(); i++) {
        JsonElement t = ts.get(i);
        if (!t.isJsonArray())
          throw new IlpInputException(source
              + " 'ties' must be a list of lists of layer names; ties[" + i + "] is " + t + ".");
        List<String> names = new ArrayList<>();
        for (JsonElement n : t.getAsJsonArray()) {
          if (!isString(n))
            throw new IlpInputException(source + " ties[" + i + "] has " + n
                + ", which is not a layer name; write names as strings.");
          names.add(n.getAsString());
        }
        ties.add(names);
      }
    }
    return new IlpProblem(layers, limits, fixed, ties);
  }

  private static JsonArray numbers(double[] v) {
    JsonArray a = new JsonArray();
    for (double x : v) a.add(x);
    return a;
  }

  private static JsonArray array(JsonObject o, String key, String where) {
    if (!o.has(key)) throw new IlpInputException(where + " has no '" + key + "'.");
    if (!o.get(key).isJsonArray())
      throw new IlpInputException(where + " '" + key + "' must be a list.");
    return o.getAsJsonArray(key);
  }

  private static String string(JsonObject o, String key, String where) {
    if (!o.has(key) || o.get(key).isJsonNull())
      throw new IlpInputException(where + " has no '" + key + "'.");
    if (!isString(o.get(key)))
      throw new IlpInputException(
          where + " '" + key + "' must be a string, got " + o.get(key) + ".");
    return o.get(key).getAsString();
  }

  /** A string entry that may be absent or null (then empty). */
  private static String optionalString(JsonObject o, String key, String where) {
    if (!o.has(key) || o.get(key).isJsonNull()) return "";
    if (!isString(o.get(key)))
      throw new IlpInputException(
          where + " '" + key + "' must be a string such as \"bytes\", got " + o.get(key) + ".");
    return o.get(key).getAsString();
  }

  private static boolean isString(JsonElement e) {
    return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
  }

  private static double number(JsonObject o, String key, String where) {
    if (!o.has(key)
        || !o.get(key).isJsonPrimitive()
        || !o.get(key).getAsJsonPrimitive().isNumber()) {
      throw new IlpInputException(where + " has no numeric '" + key + "'.");
    }
    return o.get(key).getAsDouble();
  }

  private static double[] doubles(JsonArray a, String where) {
    double[] v = new double[a.size()];
    for (int i = 0; i < v.length; i++) {
      JsonElement e = a.get(i);
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber())
        throw new IlpInputException(where + " entry " + i + " is not a number: " + e + ".");
      v[i] = e.getAsDouble();
    }
    return v;
  }

  private static Bits pair(JsonElement e, String where) {
    String s = e.isJsonPrimitive() ? e.getAsString() : String.valueOf(e);
    Matcher m = PAIR.matcher(s);
    if (!m.matches())
      throw new IlpInputException(
          where + ": '" + s + "' is not a bit pair; write weights and activations as \"W4A8\".");
    try {
      return new Bits(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    } catch (
        NumberFormatException
            tooLong) { // the pattern admits only digits: the number overflows an int
      throw new IlpInputException(where + ": '" + s
          + "' has a bit width too large to be one; write widths from 1 to 8, as in \"W4A8\".");
    } catch (bitlab.hardware.PolicyException ex) {
      throw new IlpInputException(where + ": " + ex.getMessage());
    }
  }
}
