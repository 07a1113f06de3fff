package bitlab.search.hawq;

/** A budget no policy can meet (below the cheapest policy, above the dearest, or several that exclude each other). */
public class BudgetException extends HawqException {
  public BudgetException(String message) {
    super(message);
  }
}
