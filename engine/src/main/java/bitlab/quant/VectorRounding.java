package bitlab.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Rounding} on float vectors, to the same integers as {@link Rounding#round(double)} for values of
 * magnitude below 2<sup>31</sup>. It works on the magnitude {@code a = |v|}: with {@code f = floor(a)} and
 * the fraction {@code d = a - f} (exact in float, as {@code f ≤ a < f + 1}), the magnitude rounds up when
 * {@code d > 1/2}, and on a tie as the mode says; the sign is put back last.
 */
final class VectorRounding {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());

  private VectorRounding() {}

  static FloatVector round(FloatVector v, Rounding mode) {
    FloatVector a = v.abs();
    IntVector fi = (IntVector) a.convertShape(VectorOperators.F2I, I, 0);
    FloatVector f = (FloatVector) fi.convertShape(VectorOperators.I2F, F, 0);
    FloatVector d = a.sub(f);
    VectorMask<Float> negative = v.compare(VectorOperators.LT, 0f);
    VectorMask<Float> up = d.compare(VectorOperators.GT, 0.5f);
    VectorMask<Float> tie = d.compare(VectorOperators.EQ, 0.5f);
    switch (mode) {
      case HALF_EVEN:
        up = up.or(tie.and(fi.and(1).compare(VectorOperators.NE, 0).cast(F)));
        break;
      case HALF_AWAY:
        up = up.or(tie);
        break;
      default: // HALF_UP, floor(v + 1/2): ties go up for positive values, towards zero for negative
        // ones
        up = up.or(tie.andNot(negative));
        break;
    }
    FloatVector m = f.blend(f.add(1f), up);
    return m.blend(m.neg(), negative);
  }
}
