/**
 * Binarized networks: weights {@code α_c·sign(W)} (α the channel's mean magnitude, XNOR-Net) and
 * activations {@code sign(x)} (+1 at zero), trained through the straight-through estimator, then run by
 * XNOR and popcount on packed bits ({@link bitlab.quant.binary.XnorNet}) with exactly the predictions of
 * the float simulation ({@link bitlab.quant.binary.BinaryNets#simulation}).
 */
package bitlab.quant.binary;
