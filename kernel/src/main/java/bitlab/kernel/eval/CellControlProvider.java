package bitlab.kernel.eval;

import java.util.Map;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/** Hands JShell the one {@link CellControl} of an {@link Evaluator}. */
final class CellControlProvider implements ExecutionControlProvider {
  private final CellControl control;

  CellControlProvider(CellControl control) {
    this.control = control;
  }

  @Override
  public String name() {
    return "bitlab";
  }

  @Override
  public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
    return control;
  }
}
