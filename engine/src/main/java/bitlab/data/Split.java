package bitlab.data;

/**
 * The two parts of {@link Samples#stratifiedSplit(double, long)}: {@code heldOut} has the requested
 * fraction of every class (e.g. a validation set for HAQ's reward), {@code rest} has everything else.
 */
public record Split(Samples rest, Samples heldOut) {}
