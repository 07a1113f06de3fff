package bitlab.data;

import bitlab.BitlabException;

/**
 * Data could not be loaded or used: a wrong path, a truncated or malformed file, an empty folder,
 * NaN or infinity in images. The message is one sentence that names the file, folder or data set
 * and says what was expected there.
 */
public class DataException extends BitlabException {
  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
