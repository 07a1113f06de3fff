package bitlab.dsl.cli;

import picocli.CommandLine.Option;

/** Where activations are quantized and how values round to the grid: the options `quantize` and `integer` share. */
final class GridArgs {
  @Option(
      names = "--placement",
      defaultValue = "inputs",
      description =
          "Where activations are quantized: inputs (of weighted layers, "
              + "residual Adds fed by int32 accumulators) or outputs (every node output) (default: ${DEFAULT-VALUE}).")
  String placement;

  @Option(
      names = "--stream-bits",
      paramLabel = "BITS",
      description =
          "Width of the residual stream under --placement inputs (the tensors residual Adds, concatenations and "
              + "average pools read; layers read narrower views of it): 8..16 (default: 16 when a layer has fewer than 8 "
              + "weight or activation bits, else 8).")
  Integer streamBits;

  @Option(
      names = "--rounding",
      defaultValue = "half_even",
      description = "half_even, half_away or half_up.")
  String rounding;
}
