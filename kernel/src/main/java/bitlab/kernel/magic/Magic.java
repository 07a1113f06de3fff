package bitlab.kernel.magic;

/**
 * A {@code %name args} line magic or a {@code %%name args} cell magic (then {@code body} is the rest of
 * the cell, otherwise null). The returned value becomes the cell's value if the magic is last;
 * {@link bitlab.kernel.eval.Evaluator#NO_VALUE} for none.
 */
@FunctionalInterface
public interface Magic {
  Object run(String args, String body, MagicContext ctx) throws Exception;
}
