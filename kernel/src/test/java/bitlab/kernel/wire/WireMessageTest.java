package bitlab.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.junit.jupiter.api.Test;

/** Every way a wire message can be wrong is a rejection with a reason, never an exception of the parser. */
class WireMessageTest {
  static final String HEADER =
      "{\"msg_id\":\"1\",\"username\":\"u\",\"session\":\"s\",\"date\":\"2024-01-01T00:00:00Z\","
          + "\"msg_type\":\"execute_request\",\"version\":\"5.3\"}";
  static final String CONTENT =
      "{\"code\":\"1+1\",\"silent\":false,\"store_history\":true,\"user_expressions\":{},"
          + "\"allow_stdin\":false,\"stop_on_error\":true}";

  static HMACGenerator key() throws Exception {
    return new HMACGenerator("hmac-sha256", "secret");
  }

  static List<byte[]> frames(
      HMACGenerator hmac, String header, String parent, String meta, String content) {
    byte[][] parts = {b(header), b(parent), b(meta), b(content)};
    List<byte[]> f = new ArrayList<>();
    f.add(b("client-id"));
    f.add(WireMessage.DELIMITER);
    f.add(b(hmac.calculateSignature(parts)));
    for (byte[] p : parts) f.add(p);
    return f;
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String reason(HMACGenerator hmac, List<byte[]> frames) {
    return assertThrows(WireMessage.Rejected.class, () -> WireMessage.parse(frames, hmac))
        .getMessage();
  }

  @Test
  void aWellFormedSignedRequestParses() throws Exception {
    Message<?> m = WireMessage.parse(frames(key(), HEADER, "{}", "{}", CONTENT), key());
    assertEquals(MessageType.EXECUTE_REQUEST, m.getHeader().getType());
    assertEquals("1+1", ((ExecuteRequest) m.getContent()).getCode());
    assertEquals("client-id", new String(m.getIdentities().get(0), StandardCharsets.UTF_8));
  }

  @Test
  void aWrongOrMissingSignatureIsRejected() throws Exception {
    List<byte[]> f = frames(key(), HEADER, "{}", "{}", CONTENT);
    f.set(2, b("0".repeat(64)));
    assertEquals("invalid signature (HMAC)", reason(key(), f));
    f.set(2, new byte[0]);
    assertEquals("no signature (the connection has a key)", reason(key(), f));
    List<byte[]> other =
        frames(new HMACGenerator("hmac-sha256", "another key"), HEADER, "{}", "{}", CONTENT);
    assertEquals("invalid signature (HMAC)", reason(key(), other));
  }

  @Test
  void withoutAKeyTheEmptySignatureIsTheValidOne() throws Exception {
    Message<?> m = WireMessage.parse(
        frames(HMACGenerator.NO_AUTH_INSTANCE, HEADER, "{}", "{}", CONTENT),
        HMACGenerator.NO_AUTH_INSTANCE);
    assertEquals(MessageType.EXECUTE_REQUEST, m.getHeader().getType());
  }

  @Test
  void missingFramesAndDelimiterAreRejected() throws Exception {
    assertEquals(
        "no <IDS|MSG> delimiter among its 2 frames", reason(key(), List.of(b("id"), b("garbage"))));
    List<byte[]> f = frames(key(), HEADER, "{}", "{}", CONTENT);
    assertEquals(
        "3 frames after the delimiter; the protocol needs at least 5 (signature, header, parent header,"
            + " metadata, content)",
        reason(key(), f.subList(0, 5)));
  }

  @Test
  void brokenJsonIsRejectedWithWhereItIsBroken() throws Exception {
    assertEquals(
        "the header is not JSON",
        reason(key(), frames(key(), "{\"msg_id\": ", "{}", "{}", CONTENT)));
    assertEquals(
        "the header is not a JSON object",
        reason(key(), frames(key(), "[1, 2]", "{}", "{}", CONTENT)));
    assertEquals(
        "the header lacks msg_id, username, session, msg_type or version, or one is not a string",
        reason(key(), frames(key(), "{\"msg_type\": \"execute_request\"}", "{}", "{}", CONTENT)));
    assertEquals(
        "the metadata is not a JSON object",
        reason(key(), frames(key(), HEADER, "{}", "7", CONTENT)));
    assertEquals(
        "the content is not JSON",
        reason(key(), frames(key(), HEADER, "{}", "{}", "{\"code\": \"1+")));
    assertEquals(
        "the content is not a JSON object",
        reason(key(), frames(key(), HEADER, "{}", "{}", "null")));
    assertEquals(
        "the parent header is not JSON", reason(key(), frames(key(), HEADER, "{", "{}", CONTENT)));
  }

  @Test
  void anUnknownTypeParsesAsTheLibrarysUnknownType() throws Exception {
    Message<?> m = WireMessage.parse(
        frames(key(), HEADER.replace("execute_request", "frobnicate_request"), "{}", "{}", "{}"),
        key());
    assertEquals(MessageType.UNKNOWN, m.getHeader().getType());
  }
}
