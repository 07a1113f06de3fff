package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.ModelException;
import bitlab.model.Op;
import bitlab.model.Zoo;
import bitlab.quant.Placement;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Quantizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The typed ways a notebook reaches into a program and a graph, without casts. */
class StepLookupTest {
  private static final Model RESNET = Zoo.load("resnet-mini");
  private static final IntegerModel PROGRAM = IntegerModel.of(Quantizer.ptq(
      RESNET,
      Policy.uniform(RESNET, 8, 8),
      Datasets.mnist().train().take(16),
      PtqConfig.DEFAULT.withPlacement(Placement.OUTPUTS)));

  /** With outputs quantized, each residual add is a step of its own (the tutorial's setting). */
  @Test
  void stepsOfAKindAreThoseStepsInProgramOrder() {
    List<ResidualStep> adds = PROGRAM.steps(ResidualStep.class);
    List<Step> expected =
        PROGRAM.steps().stream().filter(s -> s instanceof ResidualStep).toList();
    assertEquals(expected, adds);
    assertTrue(adds.size() >= 2, "resnet-mini has a residual add per block: " + adds.size());
    assertTrue(PROGRAM.steps(LrnStep.class).isEmpty());
  }

  @Test
  void aStepIsFoundByTheTensorItWrites() {
    Step add = PROGRAM.steps(ResidualStep.class).get(0);
    assertSame(add, PROGRAM.step(add.node()));
    IntegerException e = assertThrows(IntegerException.class, () -> PROGRAM.step("no.such.node"));
    assertTrue(
        e.getMessage()
            .startsWith("No step of this program writes 'no.such.node'; its steps write ["),
        e.getMessage());
  }

  @Test
  void aNodesOperatorComesAsTheKindAsked() {
    String bn = RESNET.nodes().stream()
        .filter(n -> n.op() instanceof Op.BatchNorm)
        .findFirst()
        .orElseThrow()
        .name();
    assertTrue(RESNET.node(bn).op(Op.BatchNorm.class).epsilon() > 0);
    String conv = RESNET.nodes().stream()
        .filter(n -> n.op() instanceof Op.Conv2d)
        .findFirst()
        .orElseThrow()
        .name();
    ModelException e =
        assertThrows(ModelException.class, () -> RESNET.node(conv).op(Op.BatchNorm.class));
    assertEquals(
        "Node '" + conv
            + "' is a Conv2d, not a BatchNorm; pick a node of that kind (model.nodes() lists each node"
            + " with its operator).",
        e.getMessage());
  }
}
