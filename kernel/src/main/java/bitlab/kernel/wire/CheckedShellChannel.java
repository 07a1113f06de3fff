package bitlab.kernel.wire;

import bitlab.kernel.io.KernelLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The shell or control channel, serving whatever arrives: each multipart message is read whole and
 * checked ({@link WireMessage}); a message with a bad signature, missing frames or broken JSON is
 * logged and dropped, and a handler that throws anything (even an {@link Error}) costs only that
 * request. jjava-jupyter's own channel thread dies on the first such message, after which the
 * kernel still answers heartbeats but nothing else.
 *
 * <p>The loop blocks in a poll of {@code pollMillis} at most, so a request is taken as soon as it
 * arrives (the library sleeps 50 ms after every poll) and a close is noticed within that time.
 */
public final class CheckedShellChannel extends ShellChannel {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final long JOIN_MILLIS = 10_000;

  private final boolean control;
  private final JupyterConnection connection;
  private final HMACGenerator hmac;
  private final long pollMillis;
  private final String kind;
  private volatile Thread loop;
  private volatile boolean running;

  public CheckedShellChannel(
      ZMQ.Context ctx,
      HMACGenerator hmac,
      boolean control,
      JupyterConnection connection,
      long pollMillis) {
    super(ctx, hmac, control, connection, pollMillis);
    this.control = control;
    this.connection = connection;
    this.hmac = hmac;
    this.pollMillis = Math.max(1, pollMillis);
    this.kind = control ? "control" : "shell";
  }

  @Override
  public void bind(KernelConnectionProperties props) {
    if (loop != null) throw new IllegalStateException("The " + kind + " channel is already bound.");
    int port = control ? props.getControlPort() : props.getShellPort();
    bind(props.getTransport() + "://" + props.getIp() + ":" + port);
    ZMQ.Poller poller = ctx.poller(1);
    poller.register(this, ZMQ.Poller.POLLIN);
    running = true;
    Thread t = new Thread(() -> serve(poller), "bitlab-" + kind + "-" + IDS.getAndIncrement());
    t.setDaemon(true);
    loop = t;
    t.start();
  }

  private void serve(ZMQ.Poller poller) {
    try {
      while (running) {
        try {
          if (poller.poll(pollMillis) <= 0 || !running) continue;
          List<byte[]> frames = readFrames();
          if (frames != null) serveOne(frames);
        } catch (Throwable e) {
          if (!running) break;
          // A closed or failing socket, or anything else: log it and keep serving.
          KernelLog.warn(
              kind + "-loop", "the " + kind + " channel hit " + e + "; it keeps serving.");
          sleepQuietly();
        }
      }
    } finally {
      loop = null;
    }
  }

  private void serveOne(List<byte[]> frames) {
    Message<?> message;
    try {
      message = WireMessage.parse(frames, hmac);
    } catch (WireMessage.Rejected r) {
      KernelLog.warn(
          kind + "-rejected",
          "dropped a message on the " + kind + " channel: " + r.getMessage()
              + "; the channel keeps serving.");
      return;
    }
    handle(message);
  }

  /** Every frame of the next multipart message, or null if the socket failed (logged). */
  private List<byte[]> readFrames() {
    List<byte[]> frames = new ArrayList<>();
    try {
      do {
        byte[] f = recv(ZMQ.DONTWAIT);
        if (f == null) break;
        frames.add(f);
      } while (hasReceiveMore());
      return frames.isEmpty() ? null : frames;
    } catch (ZMQException e) {
      if (running)
        KernelLog.warn(
            kind + "-read", "the " + kind + " channel could not read a message (" + e + ").");
      return null;
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private void handle(Message<?> message) {
    String type = message.getHeader().getType().getName();
    ShellHandler handler = connection.getHandler(message.getHeader().getType());
    if (handler == null) {
      KernelLog.warn(
          kind + "-unknown",
          "ignored a message of unknown type '" + type + "' on the " + kind + " channel.");
      return;
    }
    ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
    try {
      handler.handle(env, message);
    } catch (Throwable e) {
      KernelLog.warn(
          kind + "-handler",
          "handling " + type + " failed: " + e + "; the " + kind + " channel keeps serving.");
    } finally {
      try {
        env.resolveDeferrals();
      } catch (RuntimeException e) {
        KernelLog.warn(kind + "-reply", "could not finish the reply to " + type + ": " + e + ".");
      }
    }
    if (env.isMarkedForShutdown()) connection.close();
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(pollMillis);
    } catch (InterruptedException e) {
      running = false;
    }
  }

  /**
   * Stops the loop, waits for it to leave the socket, then closes the socket. A ZeroMQ socket is not thread-safe:
   * closed from another thread while the loop polls it, JeroMQ's reaper can fail half-way (zeromq/jeromq#891),
   * after which the context loses messages and its termination hangs. The loop notices within one poll; a handler
   * still running a cell is waited for at most {@link #JOIN_MILLIS}.
   */
  @Override
  public void close() {
    running = false;
    Thread t = loop;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    super.close();
  }

  @Override
  public void waitUntilClose() {
    Thread t = loop;
    if (t == null) return;
    try {
      t.join();
    } catch (InterruptedException ignored) {
      Thread.currentThread().interrupt();
    }
  }
}
