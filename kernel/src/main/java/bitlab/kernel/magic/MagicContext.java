package bitlab.kernel.magic;

import bitlab.dsl.display.Renderers;
import bitlab.kernel.eval.EvalFailure;
import bitlab.kernel.eval.Evaluator;
import bitlab.kernel.io.Publisher;

/** What a magic may use: the evaluator, the cell's outputs and the renderers. */
public interface MagicContext {
  Evaluator evaluator();

  /** Evaluates Java code as part of the current cell; returns its value or {@link Evaluator#NO_VALUE}. */
  Object eval(String code) throws EvalFailure;

  Publisher publisher();

  Renderers renderers();
}
