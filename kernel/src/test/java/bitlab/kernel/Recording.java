package bitlab.kernel;

import bitlab.dsl.display.MimeBundle;
import bitlab.kernel.io.Publisher;
import java.util.ArrayList;
import java.util.List;

/** A publisher that keeps every output of a cell, for assertions. */
public final class Recording implements Publisher {
  public record Out(String kind, String name, MimeBundle bundle, String displayId, String text) {}

  public final List<Out> outs = new ArrayList<>();

  @Override
  public synchronized void stream(String name, String text) {
    outs.add(new Out("stream", name, null, null, text));
  }

  @Override
  public synchronized void display(MimeBundle bundle, String displayId) {
    outs.add(new Out("display", null, bundle, displayId, null));
  }

  @Override
  public synchronized void updateDisplay(MimeBundle bundle, String displayId) {
    outs.add(new Out("update", null, bundle, displayId, null));
  }

  @Override
  public synchronized void clearOutput(boolean wait) {
    outs.add(new Out("clear", null, null, null, null));
  }

  public synchronized String stdout() {
    StringBuilder sb = new StringBuilder();
    for (Out o : outs)
      if (o.kind().equals("stream") && o.name().equals("stdout")) sb.append(o.text());
    return sb.toString();
  }

  public synchronized List<Out> of(String kind) {
    return outs.stream().filter(o -> o.kind().equals(kind)).toList();
  }
}
