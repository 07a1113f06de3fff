package bitlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one ReLU walk: sole readers that are ReLU or ReLU6, for as long as the caller lets it go on. */
class ReluChainTest {
  // c1 -> r1 -> r2 (ReLU6) -> c2 -> r3, and r3 read twice (by c3 and the Add)
  private static final Model NET = Model.builder("chain", Shape.image(1, 6, 6))
      .conv("c1", 2, 3, 1, 1)
      .relu("r1")
      .relu6("r2")
      .conv("c2", 2, 3, 1, 1)
      .relu("r3")
      .conv("c3", 2, 3, 1, 1)
      .add("sum", "r3", "c3")
      .relu("r4")
      .flatten("f")
      .linear("fc", 3)
      .build(1);

  private static List<String> names(List<Node> nodes) {
    return nodes.stream().map(Node::name).toList();
  }

  @Test
  void followsSoleReluReadersUntilTheCallerStops() {
    assertEquals(List.of("r1", "r2"), names(NET.reluChain(NET.node("c1"), n -> true)));
    // stopped at a node the caller refuses (as the compiler stops at an activation point)
    assertEquals(
        List.of("r1"), names(NET.reluChain(NET.node("c1"), n -> !n.name().equals("r1"))));
    // one step only (the float program's activation post-op)
    Node c1 = NET.node("c1");
    assertEquals(List.of("r1"), names(NET.reluChain(c1, n -> n == c1)));
    assertEquals(List.of(), names(NET.reluChain(c1, n -> false)));
  }

  @Test
  void stopsAtSeveralReadersOrAReaderThatIsNotARelu() {
    // r3 is read by c3 and the Add: the walk ends at it
    assertEquals(List.of("r3"), names(NET.reluChain(NET.node("c2"), n -> true)));
    // r2's reader is a convolution
    assertEquals(List.of(), names(NET.reluChain(NET.node("r2"), n -> true)));
    assertEquals(List.of("r4"), names(NET.reluChain(NET.node("sum"), n -> true)));
  }
}
