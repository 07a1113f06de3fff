#!/usr/bin/env python3
"""INT8 static PTQ of the same ONNX weights: bitlab against ONNX Runtime's quantize_static.

For a zoo model, runs `./bitlab quantize MODEL --bits 8/8 --export-fp32 DIR/MODEL.onnx --json`
(bitlab's accuracy, and the FP32 model as ONNX), then quantizes that ONNX file with ONNX Runtime
on the same calibration images (the first N images of bitlab's MNIST-10k training split, same
normalisation) in several configurations, and evaluates every model on the same 2,000 test images.

    python tools/quant/ort_compare.py lenet5 resnet-mini --calib-images 512 --out ort-compare

Needs numpy, onnx and onnxruntime (a venv; pip installs them from the local wheel index).
"""
import argparse
import contextlib
import json
import os
import shlex
import subprocess
import sys

import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                      quantize_static)

from mnist_data import ROOT, mnist


class Reader(CalibrationDataReader):
    def __init__(self, name, x, batch=64):
        self.name, self.x, self.batch, self.i = name, x, batch, 0

    def get_next(self):
        if self.i >= len(self.x):
            return None
        b = self.x[self.i:self.i + self.batch]
        self.i += self.batch
        return {self.name: b}

    def rewind(self):
        self.i = 0


def accuracy(path, x, y):
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    name = s.get_inputs()[0].name
    correct = 0
    for i in range(0, len(x), 250):
        logits = s.run(None, {name: x[i:i + 250]})[0]
        correct += int((logits.argmax(1) == y[i:i + 250]).sum())
    return correct / len(x)


CONFIGS = [
    # (label, format, activation type, weight type, per channel, method)
    ("ORT QDQ s8/s8 per-tensor minmax (defaults)", QuantFormat.QDQ, QuantType.QInt8, QuantType.QInt8, False, CalibrationMethod.MinMax),
    ("ORT QDQ s8/s8 per-channel minmax", QuantFormat.QDQ, QuantType.QInt8, QuantType.QInt8, True, CalibrationMethod.MinMax),
    ("ORT QDQ u8/s8 per-channel minmax", QuantFormat.QDQ, QuantType.QUInt8, QuantType.QInt8, True, CalibrationMethod.MinMax),
    ("ORT QDQ u8/s8 per-channel entropy", QuantFormat.QDQ, QuantType.QUInt8, QuantType.QInt8, True, CalibrationMethod.Entropy),
    ("ORT QDQ u8/s8 per-channel percentile", QuantFormat.QDQ, QuantType.QUInt8, QuantType.QInt8, True, CalibrationMethod.Percentile),
    ("ORT QOperator u8/s8 per-channel minmax", QuantFormat.QOperator, QuantType.QUInt8, QuantType.QInt8, True, CalibrationMethod.MinMax),
]


def compare(model, args):
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, model + ".onnx")
    cmd = shlex.split(args.bitlab) + ["quantize", model, "--bits", "8/8", "--calib", "minmax",
           "--calib-images", str(args.calib_images), "--export-fp32", onnx_path, "--json"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    bl = json.loads(out)
    xtr, _ = mnist("train")
    xte, yte = mnist("test")
    calib = xtr[:args.calib_images]
    name = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"]).get_inputs()[0].name
    fp = accuracy(onnx_path, xte, yte)
    rows = [{"method": "bitlab W8A8 static PTQ (per-channel weights, minmax)",
             "accuracy": bl["quantized"][0]["accuracy"], "drop_points": bl["quantized"][0]["dropPoints"],
             "fp32": bl["fp32Accuracy"]}]
    for label, fmt, at, wt, pc, method in CONFIGS:
        q = os.path.join(args.out, f"{model}.{len(rows)}.int8.onnx")
        extra = {"CalibMaxIntermediateOutputs": 8} if method != CalibrationMethod.MinMax else {}
        with contextlib.redirect_stdout(sys.stderr):  # ONNX Runtime prints its progress on stdout
            quantize_static(onnx_path, q, Reader(name, calib), quant_format=fmt, activation_type=at, weight_type=wt,
                            per_channel=pc, calibrate_method=method, extra_options=extra)
        a = accuracy(q, xte, yte)
        rows.append({"method": label, "accuracy": a, "drop_points": 100 * (fp - a), "fp32": fp})
    return {"model": model, "calibration_images": args.calib_images, "rows": rows}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="+")
    p.add_argument("--calib-images", type=int, default=512)
    p.add_argument("--out", default="ort-compare")
    p.add_argument("--bitlab", default=os.path.join(ROOT, "bitlab"), help="how to run the bitlab CLI (default: the launcher)")
    args = p.parse_args()
    results = [compare(m, args) for m in args.models]
    json.dump(results, sys.stdout, indent=2)
    print()
    for r in results:
        print(f"\n{r['model']} ({r['calibration_images']} calibration images)", file=sys.stderr)
        for row in r["rows"]:
            print(f"  {100 * row['accuracy']:6.2f}%  drop {row['drop_points']:+.2f}  (FP32 {100 * row['fp32']:.2f}%)  {row['method']}",
                  file=sys.stderr)


if __name__ == "__main__":
    main()
