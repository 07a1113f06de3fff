package bitlab.hardware;

/**
 * The bit widths one layer runs at: weights and input activations. 1..8 are quantized widths;
 * 16 and 32 mean "unquantized" (half or single precision) and are priced as wider operands.
 */
public record Bits(int weights, int activations) {

  /** Number of distinct widths a cost table keeps a slot for: 1..8, 16, 32. */
  public static final int SLOTS = 10;

  // the pairs people name: W<weight bits>A<activation bits>, as toString() prints them
  public static final Bits W8A8 = new Bits(8, 8);
  public static final Bits W8A4 = new Bits(8, 4);
  public static final Bits W6A6 = new Bits(6, 6);
  public static final Bits W5A5 = new Bits(5, 5);
  public static final Bits W4A8 = new Bits(4, 8);
  public static final Bits W4A4 = new Bits(4, 4);
  public static final Bits W3A3 = new Bits(3, 3);
  public static final Bits W2A8 = new Bits(2, 8);
  public static final Bits W2A2 = new Bits(2, 2);
  public static final Bits W1A1 = new Bits(1, 1);
  public static final Bits FLOAT32 = new Bits(32, 32);

  public Bits {
    check("weight", weights);
    check("activation", activations);
  }

  public static Bits of(int weights, int activations) {
    return new Bits(weights, activations);
  }

  public static Bits uniform(int bits) {
    return new Bits(bits, bits);
  }

  /** True for the widths 1..16 and 32 this module accepts. */
  public static boolean valid(int bits) {
    return (bits >= 1 && bits <= 8) || bits == 16 || bits == 32;
  }

  /** Table slot of a width: 1..8 map to 0..7, 16 to 8, 32 to 9. */
  public static int slot(int bits) {
    if (bits >= 1 && bits <= 8) return bits - 1;
    if (bits == 16) return 8;
    if (bits == 32) return 9;
    throw new PolicyException(message("A", bits));
  }

  /** The width a slot stands for (inverse of {@link #slot}). */
  public static int width(int slot) {
    if (slot >= 0 && slot < 8) return slot + 1;
    if (slot == 8) return 16;
    if (slot == 9) return 32;
    throw new IllegalArgumentException("Bit slot " + slot + " is outside 0.." + (SLOTS - 1) + ".");
  }

  public boolean quantized() {
    return weights <= 8 && activations <= 8;
  }

  public Bits withWeights(int w) {
    return new Bits(w, activations);
  }

  public Bits withActivations(int a) {
    return new Bits(weights, a);
  }

  @Override
  public String toString() {
    return "W" + weights + "A" + activations;
  }

  private static void check(String what, int bits) {
    if (!valid(bits)) throw new PolicyException(message("The " + what, bits));
  }

  private static String message(String what, int bits) {
    return what + " width of " + bits
        + " bits is not supported; use 1..8, or 16/32 for unquantized.";
  }
}
