package bitlab.model;

/** The residual and mobile architectures of the zoo, as builder recipes. */
final class Architectures {
  private Architectures() {}

  /** Channel counts rounded to a multiple of 8, as the MobileNet reference code does. */
  static int divisible(double c) {
    int v = Math.max(8, (int) (c + 4) / 8 * 8);
    return v < 0.9 * c ? v + 8 : v;
  }

  /** conv (no bias) + BatchNorm (+ ReLU or ReLU6 if {@code act} is non-null). Returns the last node's name. */
  private static String convBn(
      ModelBuilder b, String name, int out, int k, int stride, int groups, String act) {
    b.conv(name, out, k, stride, k / 2, groups, false).batchNorm(name + ".bn");
    if ("relu".equals(act)) b.relu(name + ".relu");
    if ("relu6".equals(act)) b.relu6(name + ".relu");
    return b.last();
  }

  /** CIFAR-style ResNet (He et al. 2016, section 4.2): depth = 6n + 2, stages of 16/32/64 channels. */
  static ModelBuilder resnetCifar(String name, int depth, int size, int classes) {
    int n = (depth - 2) / 6;
    ModelBuilder b = Model.builder(name, Shape.image(1, size, size));
    convBn(b, "stem", 16, 3, 1, 1, "relu");
    int[] widths = {16, 32, 64};
    for (int s = 0; s < 3; s++) {
      for (int i = 0; i < n; i++) {
        int stride = (s > 0 && i == 0) ? 2 : 1;
        basicBlock(b, "s" + (s + 1) + "b" + (i + 1), widths[s], stride);
      }
    }
    return b.globalAvgPool("pool").linear("fc", classes);
  }

  private static void basicBlock(ModelBuilder b, String p, int out, int stride) {
    String in = b.last();
    int inC = b.shape().channels();
    convBn(b, p + ".conv1", out, 3, stride, 1, "relu");
    String main = convBn(b, p + ".conv2", out, 3, 1, 1, null);
    String shortcut = in;
    if (stride != 1 || inC != out) {
      b.from(in);
      shortcut = convBn(b, p + ".down", out, 1, stride, 1, null);
    }
    b.add(p + ".add", main, shortcut).relu(p + ".relu");
  }

  private static void bottleneck(ModelBuilder b, String p, int mid, int stride) {
    String in = b.last();
    int inC = b.shape().channels();
    int out = mid * 4;
    convBn(b, p + ".conv1", mid, 1, 1, 1, "relu");
    convBn(b, p + ".conv2", mid, 3, stride, 1, "relu");
    String main = convBn(b, p + ".conv3", out, 1, 1, 1, null);
    String shortcut = in;
    if (stride != 1 || inC != out) {
      b.from(in);
      shortcut = convBn(b, p + ".down", out, 1, stride, 1, null);
    }
    b.add(p + ".add", main, shortcut).relu(p + ".relu");
  }

  /** ImageNet ResNet-18/34 (basic blocks) or ResNet-50 (bottlenecks), torchvision layout. */
  static ModelBuilder resnetImageNet(String name, int[] blocks, boolean bottleneck, int size) {
    ModelBuilder b = Model.builder(name, Shape.image(3, size, size));
    b.conv("stem", 64, 7, 2, 3, 1, false)
        .batchNorm("stem.bn")
        .relu("stem.relu")
        .maxPool("stem.pool", 3, 2, 1);
    int[] mids = {64, 128, 256, 512};
    for (int s = 0; s < 4; s++) {
      for (int i = 0; i < blocks[s]; i++) {
        int stride = (s > 0 && i == 0) ? 2 : 1;
        String p = "layer" + (s + 1) + "." + i;
        if (bottleneck) bottleneck(b, p, mids[s], stride);
        else basicBlock(b, p, mids[s], stride);
      }
    }
    return b.globalAvgPool("pool").linear("fc", 1000);
  }

  private static void separable(ModelBuilder b, String p, int out, int stride) {
    convBn(b, p + ".dw", b.shape().channels(), 3, stride, b.shape().channels(), "relu");
    convBn(b, p + ".pw", out, 1, 1, 1, "relu");
  }

  /** MobileNet-V1 (Howard et al. 2017, table 1). */
  static ModelBuilder mobilenetV1(String name, int size, double width) {
    ModelBuilder b = Model.builder(name, Shape.image(3, size, size));
    convBn(b, "stem", divisible(32 * width), 3, 2, 1, "relu");
    int[][] cfg = {
      {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1}, {512, 1}, {512, 1},
      {512, 1}, {512, 1}, {1024, 2}, {1024, 1}
    };
    for (int i = 0; i < cfg.length; i++)
      separable(b, "b" + (i + 1), divisible(cfg[i][0] * width), cfg[i][1]);
    return b.globalAvgPool("pool").linear("fc", 1000);
  }

  static ModelBuilder mobilenetV1Mini(String name, int size, double width) {
    ModelBuilder b = Model.builder(name, Shape.image(1, size, size));
    convBn(b, "stem", divisible(16 * width), 3, 1, 1, "relu");
    int[][] cfg = {{32, 1}, {64, 2}, {64, 1}, {128, 2}, {128, 1}};
    for (int i = 0; i < cfg.length; i++)
      separable(b, "b" + (i + 1), divisible(cfg[i][0] * width), cfg[i][1]);
    return b.globalAvgPool("pool").linear("fc", 10);
  }

  private static void invertedResidual(ModelBuilder b, String p, int expand, int out, int stride) {
    String in = b.last();
    int inC = b.shape().channels();
    int hidden = inC * expand;
    if (expand != 1) convBn(b, p + ".expand", hidden, 1, 1, 1, "relu6");
    convBn(b, p + ".dw", hidden, 3, stride, hidden, "relu6");
    String proj = convBn(b, p + ".project", out, 1, 1, 1, null);
    if (stride == 1 && inC == out) b.add(p + ".add", proj, in);
  }

  private static ModelBuilder mobilenetV2(
      String name,
      Shape input,
      int stemStride,
      int stem,
      int[][] cfg,
      int head,
      int classes,
      double width) {
    ModelBuilder b = Model.builder(name, input);
    convBn(b, "stem", divisible(stem * width), 3, stemStride, 1, "relu6");
    int block = 0;
    for (int[] c : cfg) {
      for (int i = 0; i < c[2]; i++) {
        invertedResidual(b, "b" + (++block), c[0], divisible(c[1] * width), i == 0 ? c[3] : 1);
      }
    }
    convBn(b, "head", width > 1 ? divisible(head * width) : head, 1, 1, 1, "relu6");
    return b.globalAvgPool("pool").linear("fc", classes);
  }

  /** MobileNet-V2 (Sandler et al. 2018, table 2): rows are (expansion t, channels c, repeats n, stride s). */
  static ModelBuilder mobilenetV2(String name, int size, double width) {
    int[][] cfg = {
      {1, 16, 1, 1},
      {6, 24, 2, 2},
      {6, 32, 3, 2},
      {6, 64, 4, 2},
      {6, 96, 3, 1},
      {6, 160, 3, 2},
      {6, 320, 1, 1}
    };
    return mobilenetV2(name, Shape.image(3, size, size), 2, 32, cfg, 1280, 1000, width);
  }

  static ModelBuilder mobilenetV2Mini(String name, int size, double width) {
    int[][] cfg = {{1, 16, 1, 1}, {4, 24, 2, 2}, {4, 32, 2, 2}, {4, 64, 1, 1}};
    return mobilenetV2(name, Shape.image(1, size, size), 1, 16, cfg, 128, 10, width);
  }
}
