package bitlab.dsl.quant;

import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.model.Evaluation;
import bitlab.quant.QuantException;
import bitlab.quant.QuantizedModel;
import bitlab.task.Work;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Test accuracy of a quantized model run in batches of a chosen size. The batch size matters for dynamic
 * quantization, whose activation ranges are taken over each batch: an image's prediction depends on the
 * images it is batched with. (Static quantization gives the same result at any batch size.)
 */
public final class BatchedEvaluation {
  private BatchedEvaluation() {}

  public static Evaluation evaluate(QuantizedModel q, Dataset data, int batchSize) {
    if (batchSize < 1)
      throw new QuantException("The batch size must be at least 1, got " + batchSize + ".");
    Samples s = q.source().prepare(data).test();
    int n = s.size();
    int correct = 0;
    double loss = 0;
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      INDArray x = s.images(from, to);
      double[][] logits = q.predict(x).castTo(DataType.DOUBLE).toDoubleMatrix();
      for (int i = 0; i < logits.length; i++) {
        int label = s.label(from + i);
        int arg = 0;
        double top = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < logits[i].length; c++) {
          if (logits[i][c] > logits[i][arg]) arg = c;
          top = Math.max(top, logits[i][c]);
        }
        double sum = 0;
        for (double v : logits[i]) sum += Math.exp(v - top);
        loss += Math.log(sum) + top - logits[i][label];
        if (arg == label) correct++;
      }
      Work.progress(String.format(
          "evaluating %s in batches of %d: %,d / %,d images", q.source().name(), batchSize, to, n));
    }
    return new Evaluation(
        q.model().name() + " " + q.policy().summary() + ", batches of " + batchSize,
        s.name(),
        correct,
        n,
        loss / n);
  }
}
