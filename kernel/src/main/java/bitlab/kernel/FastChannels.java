package bitlab.kernel;

import java.lang.reflect.Field;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.JupyterSocket;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.zeromq.ZMQ;

/**
 * jjava-jupyter's shell and control loops sleep 50 ms after every poll, which adds about 25 ms to
 * every request (execute, complete, inspect, interrupt). Before {@code connect()}, this swaps them
 * for channels that poll every {@code millis} ms. If the library's layout differs, the connection
 * is left as it was.
 */
final class FastChannels {
  private FastChannels() {}

  static boolean apply(JupyterConnection connection, long millis) {
    try {
      Field shellField = JupyterConnection.class.getDeclaredField("shell");
      Field controlField = JupyterConnection.class.getDeclaredField("control");
      Field ctxField = JupyterSocket.class.getDeclaredField("ctx");
      Field hmacField = JupyterSocket.class.getDeclaredField("hmacGenerator");
      for (Field f : new Field[] {shellField, controlField, ctxField, hmacField}) f.setAccessible(true);
      ShellChannel oldShell = (ShellChannel) shellField.get(connection);
      ShellChannel oldControl = (ShellChannel) controlField.get(connection);
      ZMQ.Context ctx = (ZMQ.Context) ctxField.get(oldShell);
      HMACGenerator hmac = (HMACGenerator) hmacField.get(oldShell);
      shellField.set(connection, new ShellChannel(ctx, hmac, false, connection, millis));
      controlField.set(connection, new ShellChannel(ctx, hmac, true, connection, millis));
      oldShell.close();
      oldControl.close();
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
