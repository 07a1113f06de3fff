package bitlab.dsl.display;

/**
 * A drawn idea: an SVG picture and, for readers without images (and for the prose checker), the same content as
 * text. Built by the diagram functions from the values they explain, so the picture's numbers are the run's.
 *
 * @param title what the picture shows
 * @param text  the picture in words and numbers, one line per element
 * @param svg   the picture
 */
public record Diagram(String title, String text, String svg) implements Renderable {
  public Diagram {
    if (title == null || title.isBlank())
      throw new IllegalArgumentException("A diagram needs a title.");
    if (svg == null || !svg.startsWith("<svg"))
      throw new IllegalArgumentException("A diagram's picture must be an SVG document.");
    text = text == null ? "" : text;
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.text(toString()).with(MimeBundle.SVG, svg);
  }

  @Override
  public String toString() {
    return text.isEmpty() ? title : title + "\n" + text;
  }
}
