package bitlab.search;

import bitlab.BitlabException;

/**
 * A budget no policy can meet (below the cheapest policy, above the dearest, or several that exclude each
 * other), or one written wrongly; the message names the cheapest reachable value and the fix.
 */
public class BudgetException extends BitlabException {
  public BudgetException(String message) {
    super(message);
  }
}
