package bitlab.dsl.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Map;

/**
 * JSON output of the CLI verbs: one pretty-printed document on stdout. JSON has no infinity or NaN,
 * so a number that is not finite (the loss of a model with random weights can be infinite) is
 * written as {@code null}, as JavaScript's {@code JSON.stringify} does.
 */
final class Json {
  /** Builds the tree: records may hold non-finite doubles, which the tree keeps until {@link #finite} replaces them. */
  private static final Gson TREE =
      new GsonBuilder().serializeSpecialFloatingPointValues().create();
  /** Writes the tree, keeping the nulls {@link #finite} put in (the tree already left out null fields of records); an apostrophe in a sentence stays an apostrophe (no HTML escaping). */
  private static final Gson OUT = new GsonBuilder()
      .setPrettyPrinting()
      .serializeNulls()
      .disableHtmlEscaping()
      .create();

  private Json() {}

  static void print(Object value) {
    System.out.println(text(value));
  }

  static String text(Object value) {
    JsonElement tree = value instanceof JsonElement e ? e : TREE.toJsonTree(value);
    return OUT.toJson(finite(tree));
  }

  /** A copy of {@code e} with every number that is not finite replaced by null. */
  static JsonElement finite(JsonElement e) {
    if (e.isJsonPrimitive()) {
      JsonPrimitive p = e.getAsJsonPrimitive();
      return p.isNumber() && !Double.isFinite(p.getAsDouble()) ? JsonNull.INSTANCE : p;
    }
    if (e.isJsonArray()) {
      JsonArray out = new JsonArray();
      for (JsonElement x : e.getAsJsonArray()) out.add(finite(x));
      return out;
    }
    if (e.isJsonObject()) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet())
        out.add(m.getKey(), finite(m.getValue()));
      return out;
    }
    return e;
  }

  /** The error document of a failed verb run with --json: {@code {"error": "...", "kind": "input"}}. */
  static String error(String message, String kind) {
    JsonObject o = new JsonObject();
    o.addProperty("error", message);
    o.addProperty("kind", kind);
    return OUT.toJson(o);
  }
}
