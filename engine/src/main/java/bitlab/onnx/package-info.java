/**
 * ONNX in and out: FP32 models from PyTorch and torchvision into bitlab's graph IR, and bitlab models
 * back out to ONNX for ONNX Runtime and other tools.
 *
 * <h2>Import</h2>
 * {@code OnnxImport.read(Path)} (also {@code read(byte[], name)} and {@code read(InputStream, name)})
 * returns a {@link bitlab.model.Model}. It reads FP32 graphs at opsets 7 to 21 as PyTorch's exporters
 * write them (the TorchScript exporter at opsets 11-17 and the dynamo exporter at 18 are tested):
 * <ul>
 *   <li>Conv (groups, depthwise, dilation, a stride per axis; symmetric padding, or asymmetric padding whose extra cells no window
 *       reaches; {@code auto_pad} resolved), Gemm (any {@code transB}, {@code alpha}, {@code beta}),
 *       MatMul with a constant weight (a following Add of a constant becomes its bias),
 *       BatchNormalization (inference), Relu, Clip (as ReLU6 for [0, 6], ReLU for [0, none], Clip otherwise), Sigmoid,
 *       HardSigmoid, HardSwish, {@code x * Sigmoid(x)} as SiLU and {@code x * HardSigmoid(x)} (1/6, 1/2) as HardSwish, Mul
 *       of two activations of one shape or of a feature map by an N x C x 1 x 1 gate (squeeze-and-excitation), LRN,
 *       {@code Reshape [N, g, C/g, H, W] -> Transpose [0, 2, 1, 3, 4] -> Reshape [N, C, H, W]} as a channel shuffle, Split
 *       and Slice along the channels, Add and Sum
 *       (a chain of Adds), a per-channel or scalar constant Mul, Div, Add or Sub right after a Conv or
 *       BatchNormalization that nothing else reads (folded into it: Caffe2's Scale layer), a 1x1 Conv on a global pooling's
 *       N x C x 1 x 1 output (a fully connected layer),
 *       MaxPool and AveragePool (any kernel, a stride per axis, padding per side, ceil mode as padding at the end;
 *       {@code count_include_pad=0} when padded), GlobalAveragePool, Flatten and Reshape to {@code [N, -1]}, Concat on
 *       channels, Softmax over the features of N x F, the channels of N x C x 1 x 1, or (opset 13 on) the channels of
 *       each pixel of a feature map;</li>
 *   <li>Identity and Dropout are dropped; Constant, ConstantOfShape, Shape, Gather, Unsqueeze, Squeeze, Concat, Slice,
 *       Cast, Reshape, Flatten, Add, Sub, Mul and Div (with broadcasting) on constants are folded (the {@code Shape -> Gather -> Unsqueeze ->
 *       Concat -> Reshape} chain PyTorch writes for {@code x.view(x.size(0), -1)} becomes a Flatten).</li>
 * </ul>
 * Weights come from the initializers or from folded constant nodes (graph inputs that a node computes,
 * as Caffe2's exports list their weights, are not inputs) (raw little-endian data or typed fields, also external data
 * files next to the model). Node names are the ONNX names made readable: {@code
 * /layer1/layer1.0/conv1/Conv} becomes {@code layer1.0.conv1}, {@code /layer1/layer1.0/Add} becomes
 * {@code layer1.0.add}. The model is named after the file (or the name bitlab exported it under); the
 * metadata keeps the file's {@code metadata_props}, the producer and the opset.
 *
 * <h2>Export</h2>
 * {@code OnnxExport.write(Model, Path)} writes FP32 ONNX at opset 13, whole or not at all (a hidden
 * temporary file next to the target, then an atomic rename); {@code toBytes(Model)} and {@code
 * toProto(Model)} give the same model in memory. ONNX names are bitlab's node and parameter names, the
 * batch dimension is symbolic, and {@code metadata_props} carry the model's metadata plus {@code
 * bitlab.model}, {@code bitlab.version}, {@code bitlab.java} and {@code bitlab.precision}. Reading an
 * exported file back gives an equal model (same nodes, operators, shapes and bit-identical weights).
 *
 * <h2>Quantized export (QDQ)</h2>
 * {@code QdqExport.write(QuantizedModel, Path)} (also {@code toBytes}, {@code toProto}, each with an
 * optional {@link bitlab.onnx.QdqOptions}) writes a statically quantized model as a standard QDQ graph:
 * integer weight initializers with per-channel {@code DequantizeLinear}, int32 biases at
 * {@code S_w·S_in}, a {@code QuantizeLinear -> DequantizeLinear} pair at every activation point
 * (sub-8-bit codes in 8-bit containers and signed 8-bit codes in bitlab's -127..127, held in range by a
 * {@code Clip} on the codes, so the file computes what bitlab computes), FP32 operators elsewhere, and
 * the policy, method and bitlab version in {@code metadata_props}. ONNX Runtime's optimizer fuses a W8A8
 * export into {@code QLinearConv}, {@code QGemm}, {@code QLinearAdd} and {@code QLinearGlobalAveragePool}.
 * Codes are uint8 by default, signed ones offset by 128: {@link bitlab.onnx.QdqOptions} says why (int8
 * weights overflow 16-bit intermediate sums in ONNX Runtime's kernels on CPUs without VNNI).
 *
 * <h2>When something does not fit</h2>
 * Every failure is an {@link bitlab.onnx.OnnxException} (a {@link bitlab.model.ModelException})
 * carrying one sentence: {@link bitlab.onnx.OnnxFileException} for a path that does not exist or
 * cannot be read or written, {@link bitlab.onnx.OnnxFormatException} for bytes that are not ONNX,
 * graphs with several inputs or outputs, non-FP32 data or an opset out of range, {@link
 * bitlab.onnx.UnsupportedOperatorException} naming the node and operator and listing the supported
 * ones, and {@link bitlab.onnx.UnsupportedAttributeException} naming the node, attribute, value and
 * what bitlab accepts (for example {@code count_include_pad=1} on a padded AveragePool, a pooling
 * dilation, asymmetric convolution padding that a window reaches).
 *
 * <h2>Checks</h2>
 * Tests export every zoo model, run it in ONNX Runtime and compare with bitlab's float engine
 * (64 MNIST test images for the minis, 4 normal images at 224x224 for the ImageNet shapes), and read
 * the file back into an equal model. QDQ exports of the minis are run in ONNX Runtime against bitlab's
 * simulated quantized model (top-1 agreement) and ONNX Runtime's optimized graph is checked for integer operators. Fixtures made by {@code tools/onnx/make_fixtures.py} with PyTorch
 * are imported and compared with PyTorch's own outputs; its {@code --large} option writes torchvision
 * ResNet-18, SqueezeNet 1.1 and DenseNet-121 (too big to commit), which import and match PyTorch
 * within 1e-5.
 */
package bitlab.onnx;
