package bitlab.dsl.display;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One rendering of a value, keyed by MIME type ("text/plain", "text/html", "image/png" as base64,
 * "image/svg+xml"). Every bundle carries a text/plain fallback so any front end can show it.
 */
public record MimeBundle(Map<String, String> data) {

  public static final String TEXT = "text/plain";
  public static final String HTML = "text/html";
  public static final String PNG = "image/png";
  public static final String SVG = "image/svg+xml";

  public MimeBundle {
    if (data == null || !data.containsKey(TEXT)) {
      throw new IllegalArgumentException("A MIME bundle needs a text/plain rendering.");
    }
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  public static MimeBundle text(String text) {
    return new MimeBundle(Map.of(TEXT, text));
  }

  public static MimeBundle html(String text, String html) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(TEXT, text);
    m.put(HTML, html);
    return new MimeBundle(m);
  }

  /** A copy with one more representation. */
  public MimeBundle with(String mime, String content) {
    Map<String, String> m = new LinkedHashMap<>(data);
    m.put(mime, content);
    return new MimeBundle(m);
  }
}
