package bitlab.search.haq;

/** How a quantized model did on the scoring images: top-1 accuracy in percent and mean cross-entropy (NaN if not known). */
public record Score(double accuracy, double loss) {}
