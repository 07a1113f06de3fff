package bitlab.kernel.wire;

import java.lang.reflect.Field;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.JupyterSocket;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.zeromq.ZMQ;

/**
 * Puts {@link CheckedShellChannel}s in place of jjava-jupyter's shell and control channels, before
 * {@code connect()}. The library builds its channels in the connection's constructor and offers no
 * hook, so the fields are swapped by reflection; a library whose layout differs is refused loudly
 * (its own channels die on the first bad message, which a kernel must not ship with).
 */
public final class Channels {
  private Channels() {}

  public static void install(JupyterConnection connection, long pollMillis) {
    try {
      Field shellField = JupyterConnection.class.getDeclaredField("shell");
      Field controlField = JupyterConnection.class.getDeclaredField("control");
      Field ctxField = JupyterSocket.class.getDeclaredField("ctx");
      Field hmacField = JupyterSocket.class.getDeclaredField("hmacGenerator");
      for (Field f : new Field[] {shellField, controlField, ctxField, hmacField})
        f.setAccessible(true);
      ShellChannel oldShell = (ShellChannel) shellField.get(connection);
      ShellChannel oldControl = (ShellChannel) controlField.get(connection);
      ZMQ.Context ctx = (ZMQ.Context) ctxField.get(oldShell);
      HMACGenerator hmac = (HMACGenerator) hmacField.get(oldShell);
      shellField.set(connection, new CheckedShellChannel(ctx, hmac, false, connection, pollMillis));
      controlField.set(
          connection, new CheckedShellChannel(ctx, hmac, true, connection, pollMillis));
      oldShell.close();
      oldControl.close();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "This jjava-jupyter has a layout bitlab does not know (" + e
              + "); bitlab needs org.dflib.jjava:jjava-jupyter:1.0-a6.",
          e);
    }
  }
}
