package bitlab.train;

/** One epoch of training: mean training loss, test accuracy after it, and its wall time. */
public record EpochRecord(int epoch, double trainLoss, double testAccuracy, double seconds) {}
