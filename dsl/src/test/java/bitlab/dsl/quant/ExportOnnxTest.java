package bitlab.dsl.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.dsl.Bitlab;
import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.onnx.OnnxException;
import bitlab.quant.Policy;
import bitlab.quant.QuantizedModel;
import bitlab.train.TrainConfig;
import bitlab.train.Trainer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code exportOnnx(q, "file.onnx")}: a notebook's quantized model as a QDQ file that ONNX Runtime runs like the simulation. */
@Tag("slow")
class ExportOnnxTest {
  @Test
  void aQuantizedModelExportsAndOnnxRuntimePredictsLikeTheSimulation(@TempDir Path dir)
      throws Exception {
    Dataset digits = Datasets.digits();
    Model init = Model.builder("tiny", Shape.image(1, 8, 8))
        .conv("c1", 8, 3, 1, 1, 1, false)
        .batchNorm("bn1")
        .relu("r1")
        .maxPool("pool", 2, 2)
        .flatten("flat")
        .linear("fc", 10)
        .build(1);
    Model net = Trainer.train(init, digits, TrainConfig.adam(3, 1).withLearningRate(1e-2))
        .model();
    QuantizedModel q = QuantizeBuilder.of(
            net, Policy.uniform(bitlab.quant.BatchNormFolding.fold(net), 8, 8))
        .calibrate(digits)
        .build();
    Path file = Bitlab.exportOnnx(q, dir.resolve("tiny-w8a8.onnx").toString());

    INDArray x = digits.test().images();
    INDArray sim = q.predict(x);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int same = 0;
    try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor t =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(x.dup('c').data().asFloat()), x.shape());
        OrtSession.Result r = s.run(Map.of("input", t))) {
      float[][] ort = (float[][]) r.get(0).getValue();
      for (int i = 0; i < ort.length; i++) {
        int best = 0;
        for (int c = 1; c < 10; c++) if (ort[i][c] > ort[i][best]) best = c;
        if (best == sim.getRow(i).argMax().getInt(0)) same++;
      }
      assertEquals("QDQ W8A8", s.getMetadata().getCustomMetadata().get("bitlab.precision"));
    }
    assertTrue(same >= 0.995 * x.size(0), same + " of " + x.size(0) + " agree");

    QuantizedModel dynamic = QuantizeBuilder.of(
            net, Policy.uniform(bitlab.quant.BatchNormFolding.fold(net), 8, 8))
        .dynamic()
        .build();
    OnnxException e = assertThrows(
        OnnxException.class,
        () -> Bitlab.exportOnnx(dynamic, dir.resolve("d.onnx").toString()));
    assertTrue(e.getMessage().contains("quantized dynamically"), e.getMessage());
  }
}
