package bitlab.dsl.display;

/** A bitlab result that knows how to show itself in a notebook. */
public interface Renderable {
  MimeBundle render();
}
