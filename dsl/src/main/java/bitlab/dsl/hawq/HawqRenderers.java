package bitlab.dsl.hawq;

import bitlab.dsl.display.RendererProvider;
import bitlab.dsl.display.Renderers;
import bitlab.search.hawq.Plan;
import bitlab.search.hawq.Traces;

/** Renderers for the engine's HAWQ-V3 values (the DSL's own results render themselves). */
public final class HawqRenderers implements RendererProvider {
  @Override
  public void registerInto(Renderers r) {
    r.register(Plan.class, HawqViews::plan);
    r.register(Traces.class, HawqViews::traces);
  }
}
