package bitlab.train;

/**
 * One epoch of training: mean training loss, accuracy after it on {@code part} of the data set and its wall
 * time. The part is "validation" when the data set has one (the test part then stays for the final model
 * only), otherwise "test".
 */
public record EpochRecord(
    int epoch, double trainLoss, double accuracy, String part, double seconds) {}
