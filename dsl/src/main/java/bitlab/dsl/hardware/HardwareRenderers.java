package bitlab.dsl.hardware;

import bitlab.dsl.display.RendererProvider;
import bitlab.dsl.display.Renderers;
import bitlab.hardware.Target;

/**
 * How hardware values look in a notebook, registered through the renderer service: a target as
 * its parameters with their sources and its calibration note. The priced values of this package
 * ({@link CostReport}, {@link Comparison}, {@link EqualBops}) render themselves.
 */
public final class HardwareRenderers implements RendererProvider {

  @Override
  public void registerInto(Renderers renderers) {
    renderers.register(Target.class, TargetViews::render);
  }
}
