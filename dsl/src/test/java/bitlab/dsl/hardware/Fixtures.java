package bitlab.dsl.hardware;

import bitlab.model.Model;
import bitlab.model.Zoo;

/** Models shared by the tests of this package, built once (MobileNet-V1 at 224 takes a few seconds). */
final class Fixtures {
  private static Model mobilenet;

  private Fixtures() {}

  static synchronized Model mobilenetV1() {
    if (mobilenet == null) mobilenet = Zoo.architecture("mobilenet-v1", 224, 1.0, 0);
    return mobilenet;
  }
}
