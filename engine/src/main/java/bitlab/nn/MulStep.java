package bitlab.nn;

import bitlab.model.Node;
import java.util.List;

/**
 * The element-wise product {@code y = a ⊙ b} of two activations, where {@code b} may be a vector of
 * {@code a}'s channels (the squeeze-and-excitation gate: one scale per image and channel). Feature maps are
 * stored channels-last, so element {@code i} of {@code a} reads {@code b[(i / (H·W·C))·C + i % C]}. Plain
 * loops on either backend.
 */
final class MulStep extends Step {
  private final int channels;
  private final int perImage;
  private final boolean broadcast;

  MulStep(Node node, Slot a, Slot b, Slot output) {
    super(node, List.of(a, b), output);
    long sizeA = size(a.dims);
    broadcast = sizeA != size(b.dims);
    channels = (int) a.dims[1];
    perImage = (int) (sizeA / a.dims[0]);
  }

  private static long size(long[] d) {
    long n = 1;
    for (long x : d) n *= x;
    return n;
  }

  private int at(int i) {
    return broadcast ? (i / perImage) * channels + i % channels : i;
  }

  @Override
  void forward(Program p) {
    double[] a = inputs.get(0).value.toDoubles();
    double[] b = inputs.get(1).value.toDoubles();
    for (int i = 0; i < a.length; i++) a[i] *= b[at(i)];
    SoftmaxStep.set(output.value, a);
  }

  /** {@code da = dy ⊙ b}, {@code db = dy ⊙ a} (summed over the map where b is broadcast). */
  private void gradients(Program p, double[] dy, double[] dyTangentTerm, boolean tangentPass) {
    Slot sa = inputs.get(0), sb = inputs.get(1);
    double[] a = sa.value.toDoubles();
    double[] b = sb.value.toDoubles();
    double[] ta = tangentPass && sa.hasTangent ? sa.tangent.toDoubles() : null;
    double[] tb = tangentPass && sb.hasTangent ? sb.tangent.toDoubles() : null;
    if (sa.needsGradient) {
      double[] da = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        da[i] = dy[i] * b[at(i)];
        if (tb != null) da[i] += dyTangentTerm[i] * tb[at(i)];
      }
      addGradient(p, sa, da, tangentPass);
    }
    if (sb.needsGradient) {
      double[] db = new double[b.length];
      for (int i = 0; i < a.length; i++) {
        db[at(i)] += dy[i] * a[i];
        if (ta != null) db[at(i)] += dyTangentTerm[i] * ta[i];
      }
      addGradient(p, sb, db, tangentPass);
    }
  }

  @Override
  void backward(Program p) {
    gradients(p, p.gradientOf(output).toDoubles(), null, false);
  }

  /** {@code ty = ta ⊙ b + a ⊙ tb}. */
  @Override
  void tangent(Program p) {
    Slot sa = inputs.get(0), sb = inputs.get(1);
    double[] a = sa.value.toDoubles();
    double[] b = sb.value.toDoubles();
    double[] ta = sa.hasTangent ? sa.tangent.toDoubles() : null;
    double[] tb = sb.hasTangent ? sb.tangent.toDoubles() : null;
    double[] ty = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      if (ta != null) ty[i] += ta[i] * b[at(i)];
      if (tb != null) ty[i] += a[i] * tb[at(i)];
    }
    SoftmaxStep.set(output.tangent, ty);
  }

  /** The tangent of the gradients: {@code d(da) = d(dy) ⊙ b + dy ⊙ tb}, {@code d(db) = Σ d(dy) ⊙ a + dy ⊙ ta}. */
  @Override
  void backwardTangent(Program p) {
    gradients(p, p.gradientTangentOf(output).toDoubles(), p.gradientOf(output).toDoubles(), true);
  }
}
