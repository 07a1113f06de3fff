package bitlab.cluster;

import bitlab.dsl.sweep.job.SweepException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A master URL checked before Spark is asked to use it: a local one runs in this JVM; a standalone
 * one ({@code spark://host:port[,host2:port2]}) must answer on at least one of its addresses within a
 * few seconds, where Spark itself would retry for a minute before giving up. Other kinds (yarn,
 * k8s://) go to Spark as they are; they need Spark's modules for them on the class path.
 */
final class MasterCheck {
  static final int CONNECT_MILLIS = 5000;

  private MasterCheck() {}

  static boolean local(String master) {
    return master.equals("local")
        || master.startsWith("local[")
        || master.startsWith("local-cluster[");
  }

  /** Throws a sentence if the master cannot be used from here. */
  static void check(String master) {
    if (local(master) || !master.startsWith("spark://"))
      return; // yarn, k8s://...: Spark itself decides (see cluster/README.md)
    List<String> tried = new ArrayList<>();
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      int port;
      try {
        port = colon < 0 ? 7077 : Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new SweepException("Spark master '" + master + "' has no port number after '" + host
            + ":'; write spark://HOST:7077.");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
        return;
      } catch (IOException e) {
        tried.add(host + ":" + port + " ("
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
      }
    }
    throw new SweepException("No Spark master answers at " + master + ": tried "
        + String.join(", ", tried) + ". Start one there "
        + "(sbin/start-master.sh, then sbin/start-worker.sh " + master
        + " on each worker) or check the host and port; spark(\"local[*]\") "
        + "runs the sweep in this JVM instead.");
  }
}
