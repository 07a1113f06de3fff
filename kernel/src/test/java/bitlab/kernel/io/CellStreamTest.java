package bitlab.kernel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.kernel.Recording;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CellStreamTest {
  @Test
  void multiByteCharactersAreNeverSplitBetweenMessages() {
    Recording rec = new Recording();
    CellStream s = new CellStream("stdout", 1000);
    s.attach(rec);
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // 3 bytes
    s.write(euro, 0, 2);
    s.drain();
    assertEquals("", rec.stdout(), "half a character waits");
    s.write(euro, 2, 1);
    s.drain();
    assertEquals("€", rec.stdout());
  }

  @Test
  void flushFromPrintlnDoesNotSendAndTheLimitIsPerCell() {
    Recording rec = new Recording();
    CellStream s = new CellStream("stdout", 10);
    s.attach(rec);
    byte[] b = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    s.write(b, 0, b.length);
    s.flush();
    assertTrue(rec.outs.isEmpty());
    s.endCell();
    assertEquals("0123456789", rec.outs.get(0).text());
    assertTrue(
        rec.outs.get(1).text().contains("6 more bytes were dropped"),
        rec.outs.get(1).text());
    s.write('x');
    s.endCell();
    assertEquals("x", rec.outs.get(2).text());
  }
}
