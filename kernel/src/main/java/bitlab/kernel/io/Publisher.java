package bitlab.kernel.io;

import bitlab.dsl.display.MimeBundle;

/** Where a cell's outputs go: the Jupyter iopub channel in the kernel, a list in tests. Thread safe. */
public interface Publisher {
  /** Text on "stdout" or "stderr". */
  void stream(String name, String text);

  /** A display_data message; {@code displayId} may be null. */
  void display(MimeBundle bundle, String displayId);

  /** An update_display_data message replacing the display with that id. */
  void updateDisplay(MimeBundle bundle, String displayId);

  /** A clear_output message. */
  void clearOutput(boolean wait);
}
