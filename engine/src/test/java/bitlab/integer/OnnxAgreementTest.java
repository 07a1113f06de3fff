package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Quantizer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The QDQ export of a quantized model, run by ONNX Runtime, predicts what the integer executor predicts. */
@Tag("slow")
class OnnxAgreementTest {
  private static final Dataset MNIST = Datasets.mnist();

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "resnet-mini"})
  void onnxRuntimeAgreesWithTheIntegerExecutor(String name, @TempDir Path dir) throws Exception {
    Model net = Zoo.load(name);
    IntegerModel iq = Deployment.integer(
        Quantizer.ptq(net, Policy.uniform(net, 8, 8), MNIST.train().take(128), PtqConfig.DEFAULT));
    Path file = iq.exportOnnx(dir.resolve(name + ".qdq.onnx").toString());
    INDArray x = MNIST.test().take(200).images();
    INDArray ours = Nd4j.argMax(iq.predict(x), 1);
    try (OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor t =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(x.dup('c').data().asFloat()), x.shape());
        OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
      float[][] logits = (float[][]) r.get(0).getValue();
      int agree = 0;
      for (int i = 0; i < logits.length; i++) {
        int best = 0;
        for (int k = 1; k < logits[i].length; k++) if (logits[i][k] > logits[i][best]) best = k;
        if (best == ours.getInt(i)) agree++;
      }
      assertTrue(
          agree >= 197,
          name + ": ONNX Runtime agrees with the integer executor on " + agree
              + " of 200 test images");
    }
  }
}
