package bitlab.quant;

import bitlab.nn.Tensor;
import bitlab.nn.Transform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Fake quantization as {@link Transform}s of the float engine: {@code code = clamp(round(x / s) + z, qmin, qmax)},
 * {@code x̂ = (code - z) · s}, exactly the float32 steps of {@link QuantParams#fakeQuantize} (vectorised for a
 * per-tensor scale). For training, the straight-through estimator passes the gradient where {@code x / s}
 * lies inside the clipping range {@code [qmin - z, qmax - z]} and nowhere else.
 */
final class FakeQuant {
  private FakeQuant() {}

  /** Fake-quantizes {@code n} floats with one scale and zero point; returns nothing, writes {@code out}. */
  static void apply(ByteBuffer in, ByteBuffer out, int n, float s, int z, QuantSpec spec) {
    float lo = spec.qmin() - z, hi = spec.qmax() - z;
    int i = 0;
    int bound = VectorRounding.F.loopBound(n);
    for (; i < bound; i += VectorRounding.F.length()) {
      FloatVector v = FloatVector.fromByteBuffer(
              VectorRounding.F, in, i * 4, ByteOrder.nativeOrder())
          .div(s);
      v = v.max(lo - 1).min(hi + 1);
      FloatVector r = VectorRounding.round(v, spec.rounding()).max(lo).min(hi);
      r.mul(s).intoByteBuffer(out, i * 4, ByteOrder.nativeOrder());
    }
    for (; i < n; i++) out.putFloat(i * 4, one(in.getFloat(i * 4), s, z, spec));
  }

  /** One value, as {@link QuantParams#quantize} then {@link QuantParams#dequantize}. */
  static float one(float x, float s, int z, QuantSpec spec) {
    float v = x / s;
    double q = spec.rounding().round(v) + z;
    int code = (int) Math.max(spec.qmin(), Math.min(spec.qmax(), q));
    return (code - z) * s;
  }

  /** {@code dx = dy} where {@code lo ≤ x / s ≤ hi}, else 0. */
  static void straightThrough(
      ByteBuffer x, ByteBuffer dy, ByteBuffer dx, int n, float s, float lo, float hi) {
    int i = 0;
    int bound = VectorRounding.F.loopBound(n);
    FloatVector zero = FloatVector.zero(VectorRounding.F);
    for (; i < bound; i += VectorRounding.F.length()) {
      FloatVector v = FloatVector.fromByteBuffer(
              VectorRounding.F, x, i * 4, ByteOrder.nativeOrder())
          .div(s);
      VectorMask<Float> inside =
          v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi));
      FloatVector g =
          FloatVector.fromByteBuffer(VectorRounding.F, dy, i * 4, ByteOrder.nativeOrder());
      zero.blend(g, inside).intoByteBuffer(dx, i * 4, ByteOrder.nativeOrder());
    }
    for (; i < n; i++) {
      float v = x.getFloat(i * 4) / s;
      dx.putFloat(i * 4, v >= lo && v <= hi ? dy.getFloat(i * 4) : 0f);
    }
  }

  /** Per-channel parameters applied along a tensor's channels (weights: plain loops, they are small). */
  static void perChannel(Tensor x, Tensor y, float[] scale, int[] zero, QuantSpec spec) {
    FloatBuffer in = x.bytes().asFloatBuffer(), out = y.bytes().asFloatBuffer();
    int c = x.channels();
    long stride = x.channelStride();
    int n = (int) x.size();
    for (int i = 0; i < n; i++) {
      int ch = (int) ((i / stride) % c);
      out.put(i, one(in.get(i), scale[ch], zero[ch], spec));
    }
  }

  /** Calibrated parameters: one scale (vectorised) or one per channel; with {@code ste}, differentiable by the straight-through estimator. */
  static Transform fixed(QuantParams p, boolean ste) {
    return new Transform() {
      @Override
      public void forward(Tensor x, Tensor y) {
        if (p.channels() == 1)
          apply(x.bytes(), y.bytes(), (int) x.size(), p.scale(0), p.zeroPoint(0), p.spec());
        else perChannel(x, y, p.scale(), p.zeroPoint(), p.spec());
      }

      @Override
      public void backward(Tensor x, Tensor dy, Tensor dx) {
        if (!ste)
          throw new QuantException(
              "This fake quantizer was made for inference; QAT makes its own with the straight-through estimator.");
        if (p.channels() != 1)
          throw new QuantException(
              "Per-channel activation quantizers are not trained; use per-tensor activations for QAT.");
        int z = p.zeroPoint(0);
        straightThrough(
            x.bytes(),
            dy.bytes(),
            dx.bytes(),
            (int) x.size(),
            p.scale(0),
            p.spec().qmin() - z,
            p.spec().qmax() - z);
      }
    };
  }

  /**
   * Per-channel widths (bit allocation): channel {@code c} rounds with its own scale and zero point and clamps to its
   * own {@code bits[c]}-bit code range; inference only.
   */
  static Transform allocated(QuantParams p, int[] bits) {
    int[] lo = new int[bits.length], hi = new int[bits.length];
    for (int c = 0; c < bits.length; c++) {
      QuantSpec s = p.spec().withBits(bits[c]);
      lo[c] = s.qmin();
      hi[c] = s.qmax();
    }
    return new Transform() {
      @Override
      public void forward(Tensor x, Tensor y) {
        FloatBuffer in = x.bytes().asFloatBuffer(), out = y.bytes().asFloatBuffer();
        int c = x.channels();
        long stride = x.channelStride();
        int n = (int) x.size();
        Rounding r = p.spec().rounding();
        for (int i = 0; i < n; i++) {
          int ch = (int) ((i / stride) % c);
          float s = p.scale(ch);
          int z = p.zeroPoint(ch);
          double q = r.round(in.get(i) / s) + z;
          int code = (int) Math.max(lo[ch], Math.min(hi[ch], q));
          out.put(i, (code - z) * s);
        }
      }

      @Override
      public void backward(Tensor x, Tensor dy, Tensor dx) {
        throw new QuantException(
            "Per-channel activation widths (bit allocation) are simulated for inference; QAT trains per-tensor activations.");
      }
    };
  }

  /** Dynamic: the scale is taken per batch from the tensor itself (its largest magnitude), symmetric; inference only. */
  static Transform dynamic(QuantSpec spec) {
    return new Transform() {
      @Override
      public void forward(Tensor x, Tensor y) {
        FloatBuffer in = x.bytes().asFloatBuffer();
        int n = (int) x.size();
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++)
          m = Math.max(m, spec.signed() ? Math.abs(in.get(i)) : in.get(i));
        float s = Math.max(m / (float) spec.qmax(), QuantParams.MIN_SCALE);
        apply(x.bytes(), y.bytes(), n, s, 0, spec);
      }

      @Override
      public void backward(Tensor x, Tensor dy, Tensor dx) {
        throw new QuantException(
            "Dynamic quantization is for inference; QAT calibrates static ranges.");
      }
    };
  }
}
