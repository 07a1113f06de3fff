package bitlab.dsl.display;

/**
 * Contributes renderers to {@link Renderers#standard()}. Implementations are listed in
 * {@code META-INF/services/bitlab.dsl.display.RendererProvider}, the way a third-party library
 * would add renderers for its own types.
 */
public interface RendererProvider {
  void registerInto(Renderers renderers);
}
