package bitlab.cluster;

import bitlab.dsl.sweep.ship.FrozenTarget;
import java.io.Serializable;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;

/**
 * What every task of a sweep carries: handles to the sweep's broadcasts (each model's ONNX bytes,
 * each data set's bytes, the frozen targets), not the inputs themselves; an executor fetches each
 * broadcast once and keeps it.
 */
record Cargo(
    String sweep,
    Map<String, Broadcast<byte[]>> models,
    Map<String, Broadcast<byte[]>> data,
    Broadcast<Map<String, FrozenTarget>> targets)
    implements Serializable {}
