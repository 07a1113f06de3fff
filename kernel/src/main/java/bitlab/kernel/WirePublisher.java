package bitlab.kernel;

import bitlab.dsl.display.MimeBundle;
import bitlab.kernel.io.Publisher;
import java.util.Map;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;

/**
 * Publishes a cell's outputs on iopub as children of its execute_request. Messages go straight to
 * the (synchronised) socket rather than through the reply environment, whose defer flag is not
 * meant for the worker and ticker threads that publish here.
 */
final class WirePublisher implements Publisher {
  private final ShellReplyEnvironment env;
  private final StringBuilder transcript = new StringBuilder();

  WirePublisher(ShellReplyEnvironment env) {
    this.env = env;
  }

  private <T extends ContentType<T>> void send(T content) {
    env.getIopub().sendMessage(new Message<>(env.getContext(), content.getType(), content));
  }

  @Override
  public void stream(String name, String text) {
    synchronized (transcript) {
      if (transcript.length() < 4096) transcript.append(text);
    }
    send(new PublishStream(
        "stderr".equals(name) ? PublishStream.StreamType.ERR : PublishStream.StreamType.OUT, text));
  }

  @Override
  public void display(MimeBundle bundle, String displayId) {
    send(new PublishDisplayData(toDisplayData(bundle, displayId)));
  }

  @Override
  public void updateDisplay(MimeBundle bundle, String displayId) {
    send(new PublishUpdateDisplayData(toDisplayData(bundle, displayId)));
  }

  @Override
  public void clearOutput(boolean wait) {
    send(wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
  }

  /** The text this cell printed (first few KB), kept for history requests with output. */
  String transcript() {
    synchronized (transcript) {
      return transcript.toString();
    }
  }

  static DisplayData toDisplayData(MimeBundle bundle, String displayId) {
    DisplayData d = new DisplayData();
    for (Map.Entry<String, String> e : bundle.data().entrySet())
      d.putData(e.getKey(), e.getValue());
    if (displayId != null) d.setDisplayId(displayId);
    return d;
  }
}
