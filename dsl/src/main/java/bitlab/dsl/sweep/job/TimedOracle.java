package bitlab.dsl.sweep.job;

import bitlab.hardware.Bits;
import bitlab.search.haq.AccuracyOracle;
import bitlab.search.haq.Score;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** An oracle that counts the policies one job scores and the time it spends scoring them (summed over threads). */
final class TimedOracle implements AccuracyOracle {
  private final AccuracyOracle inner;
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicInteger policies = new AtomicInteger();

  TimedOracle(AccuracyOracle inner) {
    this.inner = inner;
  }

  @Override
  public double reference() {
    return inner.reference();
  }

  @Override
  public double accuracy(List<Bits> policy) {
    return score(policy).accuracy();
  }

  @Override
  public Score score(List<Bits> policy) {
    long t = System.nanoTime();
    try {
      return inner.score(policy);
    } finally {
      nanos.addAndGet(System.nanoTime() - t);
      policies.incrementAndGet();
    }
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  // what the search prices and how it counts size come from the scored models: pass them through
  @Override
  public bitlab.quant.PtqConfig ptq() {
    return inner.ptq();
  }

  @Override
  public boolean sharesWeights() {
    return inner.sharesWeights();
  }

  @Override
  public int images() {
    return inner.images();
  }

  int policies() {
    return policies.get();
  }

  double seconds() {
    return nanos.get() / 1e9;
  }
}
