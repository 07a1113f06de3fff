package bitlab.dsl.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** JSON output of the CLI verbs: one pretty-printed document on stdout. */
final class Json {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private Json() {}

  static void print(Object value) {
    System.out.println(GSON.toJson(value));
  }
}
