package bitlab.kernel;

import bitlab.kernel.io.KernelLog;
import bitlab.kernel.wire.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/** Starts the bitlab kernel: {@code java ... bitlab.kernel.Main CONNECTION_FILE}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println(
          "usage: bitlab.kernel.Main CONNECTION_FILE (Jupyter passes it; see ./bitlab kernel install)");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    if (!Files.isRegularFile(file)) {
      System.err.println("bitlab kernel: connection file " + file + " does not exist.");
      System.exit(2);
    }
    KernelLog.init();
    KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(file));
    ParentWatch.start(file);
    Session session = new Session();
    BitlabKernel kernel = new BitlabKernel(session);
    JupyterConnection connection = new JupyterConnection(props);
    Channels.install(connection, Long.getLong("bitlab.poll.millis", 5));
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
    System.exit(0);
  }
}
