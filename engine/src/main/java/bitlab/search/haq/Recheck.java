package bitlab.search.haq;

import bitlab.hardware.Bits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Re-scoring each method's best few policies on more validation images before choosing its winner, against the
 * winner's curse: the most accurate of many policies scored on a few hundred images is also the luckiest, so its score
 * overstates it, and a method that scores more policies near one another (HAQ exploring around its best) gains more
 * from luck than one that does not. The {@code finalists} best distinct policies of each method (HAQ, the uniform
 * frontier, random search), ranked as the search ranked them, are scored again on {@code images} validation images,
 * and each method keeps the best of its finalists on those. Every method gets the same treatment, so the comparison
 * stays fair; the extra scorings are {@code finalists} per method at most.
 *
 * <p>More images do not remove the luck of the fine-tune: with fine-tuning on, one policy's score moves by 0.5 to 1.3
 * points between fine-tune seeds on 1,600 images (engine README, "Measured: HAQ"), so a finalist re-scored with the
 * search's own seed keeps that luck. With {@code seeds} above 1 each finalist is fine-tuned and scored once per seed
 * (the search's own and {@code seeds - 1} others, {@link #fineTuneSeed}) and ranked on the mean ({@link MeanOracle}).
 *
 * @param finalists how many of each method's best policies are re-scored (0: off)
 * @param images    on how many validation images (the first ones, which include the images the search scored on)
 * @param seeds     over how many fine-tune seeds each finalist's re-check is averaged (1: the search's own only)
 */
public record Recheck(int finalists, int images, int seeds) {
  public static final Recheck OFF = new Recheck(0, 0);

  /** The fine-tune seeds of a re-check are the search's seed plus multiples of this, apart from other searches' seeds. */
  static final long SEED_STRIDE = 1000;

  public Recheck {
    if (finalists < 0 || images < 0 || (finalists > 0) != (images > 0)) {
      throw new HaqException(
          "A re-check needs a number of finalists and of images, both at least 1 (or both 0: off),"
              + " got " + finalists + " finalists on " + images
              + " images; try withRecheck(3, 1600).");
    }
    if (seeds < 1) {
      throw new HaqException(
          "A re-check averages over at least 1 fine-tune seed (the search's own), got " + seeds
              + "; try withRecheck(3, 1600, 3).");
    }
  }

  /** Each finalist re-scored once, with the search's own fine-tune seed. */
  public Recheck(int finalists, int images) {
    this(finalists, images, 1);
  }

  /** The fine-tune seed of the {@code k}-th scoring of a re-check (k = 0 is the search's own seed). */
  static long fineTuneSeed(long searchSeed, int k) {
    return searchSeed + k * SEED_STRIDE;
  }

  public boolean on() {
    return finalists > 0;
  }

  /**
   * The distinct policies of {@code candidates} ranked as the search ranks them (accuracy, then loss, then cost:
   * {@link Candidate#better}), the first occurrence of each policy kept.
   */
  static List<Candidate> ranked(List<Candidate> candidates) {
    Set<List<Bits>> seen = new HashSet<>();
    List<Candidate> distinct = new ArrayList<>();
    for (Candidate c : candidates) {
      if (seen.add(c.policy().bits())) distinct.add(c);
    }
    // a stable sort: among equals the first found stays first, as folding Candidate.better keeps it
    distinct.sort(Comparator.comparingDouble(Candidate::accuracy)
        .reversed()
        .thenComparing((a, b) -> Double.isNaN(a.loss()) || Double.isNaN(b.loss())
            ? 0
            : Double.compare(a.loss(), b.loss()))
        .thenComparingDouble(Candidate::cost));
    return distinct;
  }

  /**
   * The best of the first {@link #finalists} of {@code ranked} once each is re-scored by {@code more} (a cache over
   * the re-checking oracle, shared by the methods so a policy two methods found is scored once): a candidate of the
   * same method and policy that carries its re-scored accuracy and loss.
   */
  Candidate choose(List<Candidate> ranked, ScoreCache more) {
    Candidate best = null;
    for (Candidate c : ranked.subList(0, Math.min(finalists, ranked.size()))) {
      Score s = more.score(c.policy().bits());
      best = Candidate.better(
          best, new Candidate(c.method(), c.policy(), s.accuracy(), s.loss(), c.cost()));
    }
    return best;
  }

  @Override
  public String toString() {
    return on()
        ? "the " + finalists + " best policies of each method re-scored on " + images
            + " validation images"
            + (seeds > 1 ? ", averaged over " + seeds + " fine-tune seeds," : "")
            + " before choosing"
        : "no re-check";
  }
}
