/**
 * Weight sharing by k-means, as Deep Compression (Han et al., 2016) stores weights: each layer's (BatchNorm-folded)
 * weights clustered into {@code 2^b} float centroids ({@link bitlab.quant.kmeans.KMeans}), every weight stored as the
 * index of its centroid ({@link bitlab.quant.kmeans.Codebook}: packed indices plus a float32 codebook, the bytes a
 * size budget counts), the centroids then fine-tuned with the gradient of each centroid the sum of its weights'
 * gradients ({@link bitlab.quant.kmeans.CentroidTuning}). The shared model ({@link
 * bitlab.quant.kmeans.SharedWeights#model()}) computes in float with the centroids looked up: a simulation of weight
 * sharing, with activations left in float; the integer executor does not run it. HAQ searches the widths under a size
 * budget with {@code Haq.kmeans}.
 */
package bitlab.quant.kmeans;
