package bitlab.search.hawq;

/** A bit-allocation problem with missing or inconsistent entries: lengths, names, fixed layers, ties. */
public class IlpInputException extends HawqException {
  public IlpInputException(String message) {
    super(message);
  }
}
