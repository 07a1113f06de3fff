package bitlab.dsl.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FlowTest {
  private static int count(String svg, String element) {
    Matcher m = Pattern.compile("<" + element + "\\b").matcher(svg);
    int n = 0;
    while (m.find()) n++;
    return n;
  }

  @Test
  void oneBoxPerStepAndOneArrowBetweenEachPair() {
    List<Flow.Box> boxes = List.of(
        new Flow.Box("a", List.of("x"), null),
        new Flow.Box("b", List.of(), null),
        new Flow.Box("c <d>", List.of("1 & 2"), null));
    String svg = Flow.svg("three steps", boxes, List.of("first", ""), 2, 120);
    assertEquals(1 + 3, count(svg, "rect"), "the white background and three boxes");
    assertEquals(2, count(svg, "polygon"), "two arrow heads");
    assertTrue(svg.contains("c &lt;d&gt;") && svg.contains("1 &amp; 2"), "text is escaped");
    assertTrue(svg.contains(">first</text>"), "the first arrow's label");
    // two per row: margins 2 x 16, two boxes of 120, one gap of 56
    assertTrue(svg.contains("width=\"328\""), svg.substring(0, 120));
  }

  @Test
  void nonsenseIsASentence() {
    assertThrows(
        IllegalArgumentException.class, () -> Flow.svg("none", List.of(), List.of(), 2, 100));
    assertThrows(
        IllegalArgumentException.class,
        () -> Flow.svg("x", List.of(new Flow.Box("a", List.of(), null)), List.of(), 0, 100));
  }

  @Test
  void aDiagramRendersItsPictureAndItsText() {
    Diagram d = new Diagram("title", "line 1", new Svg(10, 10).toString());
    MimeBundle b = d.render();
    assertTrue(b.data().get(MimeBundle.SVG).startsWith("<svg"));
    assertEquals("title\nline 1", b.data().get(MimeBundle.TEXT));
    assertThrows(IllegalArgumentException.class, () -> new Diagram("t", "", "<html/>"));
  }
}
