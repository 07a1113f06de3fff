package bitlab.data;

/**
 * Data could not be loaded or used: a wrong path, a truncated or malformed file, an empty folder,
 * NaN or infinity in images. The message is one sentence that names the file, folder or data set
 * and says what was expected there.
 */
public class DataException extends RuntimeException {
  public DataException(String message) { super(message); }

  public DataException(String message, Throwable cause) { super(message, cause); }
}
