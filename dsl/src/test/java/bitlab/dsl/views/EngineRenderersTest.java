package bitlab.dsl.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.model.Evaluation;
import bitlab.model.Model;
import bitlab.model.Zoo;
import org.junit.jupiter.api.Test;

class EngineRenderersTest {

  @Test
  void aModelRendersAsItsLayerTable() {
    Model m = Zoo.architecture("lenet5", 28, 1.0, 0);
    MimeBundle b = Renderers.standard().render(m);
    String html = b.data().get(MimeBundle.HTML);
    assertTrue(html.contains("<table"), html);
    for (String layer : m.layerNames())
      assertTrue(html.contains(">" + layer + "<"), layer + " missing from " + html);
    assertTrue(html.contains("61,706 parameters"), html);
    assertTrue(
        b.data().get(MimeBundle.TEXT).startsWith("Model lenet5: input 1x28x28"),
        b.data().get(MimeBundle.TEXT));
  }

  @Test
  void anEvaluationRendersItsAccuracy() {
    MimeBundle b =
        Renderers.standard().render(new Evaluation("lenet5", "mnist/test", 1973, 2000, 0.05));
    assertEquals(
        "lenet5 on mnist/test: 98.65% top-1 (1,973 of 2,000), loss 0.0500",
        b.data().get(MimeBundle.TEXT));
    assertTrue(b.data().get(MimeBundle.HTML).contains("<b>98.65%</b>"));
  }
}
