package bitlab.kernel.wire;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.ExpressionValue;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.KernelTimestamp;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.ReplyType;
import org.dflib.jjava.jupyter.messages.adapters.ExpressionValueAdapter;
import org.dflib.jjava.jupyter.messages.adapters.HeaderAdapter;
import org.dflib.jjava.jupyter.messages.adapters.HistoryEntryAdapter;
import org.dflib.jjava.jupyter.messages.adapters.HistoryRequestAdapter;
import org.dflib.jjava.jupyter.messages.adapters.KernelTimestampAdapter;
import org.dflib.jjava.jupyter.messages.adapters.MessageTypeAdapter;
import org.dflib.jjava.jupyter.messages.adapters.PublishStatusAdapter;
import org.dflib.jjava.jupyter.messages.adapters.ReplyTypeAdapter;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;

/**
 * One multipart message of the Jupyter wire protocol, checked before anything acts on it:
 * {@code identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...}.
 * jjava-jupyter 1.0-a6 reads frames one by one (a message short of frames swallows the next one),
 * throws on a bad signature and on bad JSON, and its channel thread dies of it; here every way a
 * message can be wrong is a {@link Rejected} with a reason, and the caller drops the message.
 * The JSON is read with the library's own type adapters, so the handlers get the same objects.
 */
public final class WireMessage {
  static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

  private static final Gson REPLY_GSON = new GsonBuilder()
      .registerTypeAdapter(HistoryEntry.class, HistoryEntryAdapter.INSTANCE)
      .registerTypeAdapter(ExpressionValue.class, ExpressionValueAdapter.INSTANCE)
      .create();
  private static final Gson GSON = new GsonBuilder()
      .registerTypeAdapter(KernelTimestamp.class, KernelTimestampAdapter.INSTANCE)
      .registerTypeAdapter(Header.class, HeaderAdapter.INSTANCE)
      .registerTypeAdapter(MessageType.class, MessageTypeAdapter.INSTANCE)
      .registerTypeAdapter(PublishStatus.class, PublishStatusAdapter.INSTANCE)
      .registerTypeAdapter(HistoryRequest.class, HistoryRequestAdapter.INSTANCE)
      .registerTypeHierarchyAdapter(ReplyType.class, new ReplyTypeAdapter(REPLY_GSON))
      .create();
  private static final Type MAP = new TypeToken<Map<String, Object>>() {}.getType();

  private WireMessage() {}

  /** Why a message was dropped, in a few words for the kernel's log. */
  public static final class Rejected extends Exception {
    Rejected(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Parses the frames of one whole multipart message. {@code hmac} is the connection's signer
   * (its no-key instance signs with the empty string, as Jupyter does without a key).
   */
  public static Message<?> parse(List<byte[]> frames, HMACGenerator hmac) throws Rejected {
    int delimiter = -1;
    for (int i = 0; i < frames.size(); i++) {
      if (Arrays.equals(DELIMITER, frames.get(i))) {
        delimiter = i;
        break;
      }
    }
    if (delimiter < 0)
      throw new Rejected("no <IDS|MSG> delimiter among its " + frames.size() + " frames");
    if (frames.size() - delimiter - 1 < 5) {
      throw new Rejected((frames.size() - delimiter - 1)
          + " frames after the delimiter; the protocol needs at least 5"
          + " (signature, header, parent header, metadata, content)");
    }
    List<byte[]> identities = new ArrayList<>(frames.subList(0, delimiter));
    byte[] signature = frames.get(delimiter + 1);
    byte[] header = frames.get(delimiter + 2);
    byte[] parent = frames.get(delimiter + 3);
    byte[] metadata = frames.get(delimiter + 4);
    byte[] content = frames.get(delimiter + 5);
    List<byte[]> buffers = new ArrayList<>(frames.subList(delimiter + 6, frames.size()));
    String expected = hmac.calculateSignature(header, parent, metadata, content);
    if (expected != null
        && !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature)) {
      throw new Rejected(
          signature.length == 0
              ? "no signature (the connection has a key)"
              : "invalid signature (HMAC)");
    }
    Header<?> h = header(header);
    Header<?> parentHeader = null;
    JsonElement p = json(parent, "parent header");
    if (p.isJsonObject() && !p.getAsJsonObject().isEmpty()) parentHeader = header(parent);
    Map<String, Object> meta = object(metadata, "metadata");
    Object body;
    try {
      JsonElement c = json(content, "content");
      if (!c.isJsonObject()) throw new Rejected("the content is not a JSON object");
      body = GSON.fromJson(c, h.getType().getContentType());
    } catch (RuntimeException e) {
      throw new Rejected(
          "the content does not fit a " + h.getType().getName() + ": " + e.getMessage());
    }
    @SuppressWarnings({"rawtypes", "unchecked"})
    Message<?> m = new Message(identities, h, parentHeader, meta, body, buffers);
    return m;
  }

  private static Header<?> header(byte[] raw) throws Rejected {
    JsonElement e = json(raw, "header");
    if (!e.isJsonObject()) throw new Rejected("the header is not a JSON object");
    try {
      Header<?> h = GSON.fromJson(e, Header.class);
      if (h.getType() == null) throw new Rejected("the header has no msg_type");
      return h;
    } catch (RuntimeException ex) {
      throw new Rejected(
          "the header lacks msg_id, username, session, msg_type or version, or one is not a string");
    }
  }

  private static Map<String, Object> object(byte[] raw, String what) throws Rejected {
    JsonElement e = json(raw, what);
    if (!e.isJsonObject()) throw new Rejected("the " + what + " is not a JSON object");
    return GSON.fromJson(e, MAP);
  }

  private static JsonElement json(byte[] raw, String what) throws Rejected {
    try {
      return JsonParser.parseString(new String(raw, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new Rejected("the " + what + " is not JSON");
    }
  }
}
