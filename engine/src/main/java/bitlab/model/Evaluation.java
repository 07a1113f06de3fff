package bitlab.model;

/** Top-1 accuracy of a model on a set of labelled images. */
public record Evaluation(String model, String data, int correct, int total, double loss) {
  public double accuracy() {
    return total == 0 ? 0 : (double) correct / total;
  }

  @Override
  public String toString() {
    return String.format(
        "%s on %s: %.2f%% top-1 (%,d of %,d), loss %.4f",
        model, data, 100 * accuracy(), correct, total, loss);
  }
}
