package bitlab.search.haq;

import bitlab.hardware.Bits;
import java.util.List;

/**
 * One score from several oracles that score the same images differently (the same policy fine-tuned with different
 * seeds): the mean accuracy and the mean loss, and the fine-tuning seconds of all of them. A re-check averaged over
 * fine-tune seeds ranks its finalists on it ({@link Recheck#seeds}), so that one lucky fine-tune does not choose.
 */
final class MeanOracle implements AccuracyOracle {
  private final List<? extends AccuracyOracle> oracles;

  MeanOracle(List<? extends AccuracyOracle> oracles) {
    if (oracles.isEmpty()) throw new HaqException("A mean of scores needs at least one oracle.");
    this.oracles = List.copyOf(oracles);
  }

  @Override
  public double reference() {
    return oracles
        .get(0)
        .reference(); // the unquantized model is not fine-tuned: the same for every seed
  }

  @Override
  public double accuracy(List<Bits> policy) {
    return score(policy).accuracy();
  }

  @Override
  public Score score(List<Bits> policy) {
    double accuracy = 0, loss = 0, seconds = 0;
    for (AccuracyOracle o : oracles) {
      Score s = o.score(policy);
      accuracy += s.accuracy();
      loss += s.loss(); // NaN if any oracle does not know it: then no loss breaks ties
      seconds += s.finetuneSeconds();
    }
    return new Score(accuracy / oracles.size(), loss / oracles.size(), seconds);
  }

  @Override
  public bitlab.quant.PtqConfig ptq() {
    return oracles.get(0).ptq();
  }

  @Override
  public boolean sharesWeights() {
    return oracles.get(0).sharesWeights();
  }

  @Override
  public int images() {
    return oracles.get(0).images();
  }

  @Override
  public String describe() {
    return oracles.get(0).describe() + "; mean of " + oracles.size() + " fine-tune seeds";
  }
}
