package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertSame;

import bitlab.quant.LayerBits;
import bitlab.quant.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandidateTest {
  private static final Policy P = new Policy("toy", List.of(new LayerBits("fc", 4, 4)));

  @Test
  void accuracyDecidesFirstThenLossThenCost() {
    Candidate accurate = new Candidate("a", P, 99.0, 0.30, 10);
    Candidate lossy = new Candidate("b", P, 98.0, 0.01, 1);
    assertSame(accurate, Candidate.better(lossy, accurate));
    assertSame(accurate, Candidate.better(accurate, lossy));

    Candidate lowLoss = new Candidate("c", P, 99.0, 0.10, 10);
    assertSame(
        lowLoss,
        Candidate.better(accurate, lowLoss),
        "a tie on accuracy goes to the lower loss, whatever the cost");
    assertSame(lowLoss, Candidate.better(lowLoss, new Candidate("d", P, 99.0, 0.20, 1)));

    Candidate cheap = new Candidate("e", P, 99.0, 0.10, 5);
    assertSame(cheap, Candidate.better(lowLoss, cheap), "equal accuracy and loss: the cheaper one");
    Candidate noLoss = new Candidate("f", P, 99.0, 4);
    assertSame(
        noLoss, Candidate.better(lowLoss, noLoss), "without a loss on both sides, cost decides");
    assertSame(lowLoss, Candidate.better(null, lowLoss));
  }
}
