package bitlab.search.haq;

/**
 * How a quantized model did on the scoring images: top-1 accuracy in percent, mean cross-entropy (NaN if not known),
 * and the seconds spent fine-tuning it before it was scored (0 without fine-tuning).
 */
public record Score(double accuracy, double loss, double finetuneSeconds) {
  public Score(double accuracy, double loss) {
    this(accuracy, loss, 0);
  }
}
