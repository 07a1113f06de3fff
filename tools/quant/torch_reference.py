#!/usr/bin/env python3
"""Static PTQ of bitlab's FP32 weights in PyTorch, beside bitlab's integer-only accuracy, per width.

For each zoo model, runs `./bitlab quantize MODEL --bits W/A,... --export-fp32 DIR/MODEL.onnx --json`
(bitlab's integer-only accuracy at each width, and the FP32 weights as ONNX), rebuilds that ONNX graph
as a PyTorch module, and quantizes it the way PyTorch's eager/FX static PTQ does by default:
BatchNorm fused into the convolution before anything else, weights per output channel symmetric
(min-max, narrow range), activations per tensor asymmetric (min-max observers on the FP32 model over
the calibration images) at the input of every Conv and Gemm, float biases (int32 codes with `--int32-bias`), round half to even
(torch.fake_quantize_*). Calibration images are the first N of bitlab's MNIST-10k training split; every
model is scored on the same 2,000 test images.

    .venv/bin/python tools/quant/torch_reference.py lenet5 resnet-mini --bits 4/4,8/4,4/8 --out torch-ref

With `--wide-bits 8` a second reference column also quantizes, at 8 bits (per tensor asymmetric min-max), the tensors
that bitlab's default placement keeps at 8 bits because an integer operator reads them: the residual stream
and the other inputs of every residual Add (except the first input produced by a Conv that only the Add
reads, whose int32 accumulator goes into the Add), and what a global average pool reads; the Conv and Gemm
layers that read such a tensor then quantize the 8-bit value at their own width, as bitlab's views do. The
plain reference keeps those tensors in float, which an integer-only program cannot.

With `--int32-bias` every quantized Conv and Gemm adds its bias rounded (half to even) to int32 codes on its
accumulator's step `S_in * S_w[c]`, as PyTorch's quantized kernels, ONNX Runtime's QLinearConv and bitlab's integer
program do; without it the bias stays float, as in PyTorch's fake-quantized model.

Extra arguments after `--` go to bitlab's quantize command (e.g. `-- --calib mse`). A comparison tool
only: bitlab never needs torch. Needs numpy, onnx and torch (pip installs them from the local wheel index).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

from mnist_data import ROOT, mnist


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


class OnnxModule:
    """The FP32 ONNX graph as PyTorch operations, BatchNorm folded into the convolution before it."""

    def __init__(self, path, wide_bits=None, int32_bias=False):
        self.int32_bias = int32_bias
        self.wscale = {}
        m = onnx.load(path)
        self.graph = m.graph
        self.params = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in m.graph.initializer}
        self.input = [i.name for i in m.graph.input if i.name not in self.params][0]
        self.nodes = list(m.graph.node)
        self.fold_batchnorm()
        # Activation points: the (first) input of every Conv and Gemm.
        self.points = []
        for n in self.nodes:
            if n.op_type in ("Conv", "Gemm") and n.input[0] not in self.points:
                self.points.append(n.input[0])
        self.wide_bits = wide_bits
        self.wide = self.integer_operator_inputs() if wide_bits else []
        self.act = {}     # point -> (scale, zero point, qmin, qmax) once calibrated
        self.wq = {}      # weight name -> fake-quantized weight

    def integer_operator_inputs(self):
        """The tensors bitlab's default placement stores at 8 bits: inputs of Adds and global pools (see the module doc)."""
        producer = {o: n for n in self.nodes for o in n.output}
        readers = {}
        for n in self.nodes:
            for i in n.input:
                readers.setdefault(i, []).append(n)
        wide = []
        for n in self.nodes:
            if n.op_type not in ("Add", "GlobalAveragePool", "AveragePool", "Concat"):
                continue
            accumulator = None
            if n.op_type == "Add":
                for i in n.input:
                    src = producer.get(i)
                    if src is not None and src.op_type in ("Conv", "Gemm") and len(readers[i]) == 1:
                        accumulator = i
                        break
            for i in n.input:
                if i != accumulator and i in producer and i not in wide:
                    wide.append(i)
        return wide

    def fold_batchnorm(self):
        producer = {o: n for n in self.nodes for o in n.output}
        readers = {}
        for n in self.nodes:
            for i in n.input:
                readers.setdefault(i, []).append(n)
        kept = []
        for n in self.nodes:
            if n.op_type == "BatchNormalization":
                conv = producer.get(n.input[0])
                if conv is None or conv.op_type != "Conv" or len(readers[n.input[0]]) != 1:
                    raise SystemExit(f"BatchNormalization '{n.name}' does not follow a Conv alone; this tool folds only that case.")
                gamma, beta, mean, var = (self.params[k].double() for k in n.input[1:5])
                eps = attrs(n).get("epsilon", 1e-5)
                k = gamma / torch.sqrt(var + eps)
                w = self.params[conv.input[1]].double()
                b = self.params[conv.input[2]].double() if len(conv.input) > 2 else torch.zeros_like(mean)
                self.params[conv.input[1]] = (w * k.reshape(-1, 1, 1, 1)).float()
                bias_name = conv.input[2] if len(conv.input) > 2 else conv.name + ".folded_bias"
                self.params[bias_name] = ((b - mean) * k + beta).float()
                if len(conv.input) == 2:
                    conv.input.append(bias_name)
                conv.output[0] = n.output[0]
            else:
                kept.append(n)
        self.nodes = kept

    def run(self, x, quantize=False, observe=None):
        env = {self.input: x}
        for n in self.nodes:
            ins = [env[i] if i in env else self.params.get(i) for i in n.input]
            for k, i in enumerate(n.input):
                if i in self.wide and n.op_type not in ("Conv", "Gemm"):
                    if observe is not None:
                        observe(i, ins[k])
                    if quantize:
                        s, z, lo, hi = self.act["wide:" + i]
                        ins[k] = torch.fake_quantize_per_tensor_affine(ins[k], s, z, lo, hi)
            if n.op_type in ("Conv", "Gemm") and n.input[0] in self.points:
                if observe is not None:
                    observe(n.input[0], ins[0])
                if quantize:
                    if n.input[0] in self.wide:  # the 8-bit stream first, then this layer's view of it
                        s, z, lo, hi = self.act["wide:" + n.input[0]]
                        ins[0] = torch.fake_quantize_per_tensor_affine(ins[0], s, z, lo, hi)
                    s, z, lo, hi = self.act[n.input[0]]
                    ins[0] = torch.fake_quantize_per_tensor_affine(ins[0], s, z, lo, hi)
                    ins[1] = self.wq[n.input[1]]
                    if self.int32_bias and len(ins) > 2 and ins[2] is not None:
                        step = float(torch.tensor(s, dtype=torch.float32)) * self.wscale[n.input[1]].double()
                        ins[2] = (torch.round(ins[2].double() / step) * step).float()
            env[n.output[0]] = self.op(n, ins)
        return env[self.graph.output[0].name]

    @staticmethod
    def op(n, ins):
        a = attrs(n)
        t = n.op_type
        if t == "Conv":
            pads = a.get("pads", [0, 0, 0, 0])
            return F.conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None, stride=a.get("strides", [1, 1]),
                            padding=(pads[0], pads[1]), groups=a.get("group", 1))
        if t == "Gemm":
            y = ins[0] @ (ins[1].t() if a.get("transB", 0) else ins[1])
            return y + ins[2] if len(ins) > 2 else y
        if t == "Relu":
            return F.relu(ins[0])
        if t == "Clip":
            return torch.clamp(ins[0], float(ins[1]), float(ins[2]))
        if t == "Add":
            return ins[0] + ins[1]
        if t == "Concat":
            return torch.cat(ins, dim=a.get("axis", 1))
        if t == "MaxPool":
            pads = a.get("pads", [0, 0, 0, 0])
            return F.max_pool2d(ins[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]), padding=(pads[0], pads[1]))
        if t == "AveragePool":
            pads = a.get("pads", [0, 0, 0, 0])
            return F.avg_pool2d(ins[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]), padding=(pads[0], pads[1]),
                                count_include_pad=bool(a.get("count_include_pad", 0)))
        if t == "GlobalAveragePool":
            return ins[0].mean(dim=(2, 3), keepdim=True)
        if t in ("Flatten", "Reshape"):
            return torch.flatten(ins[0], 1)
        if t == "Softmax":
            return torch.softmax(ins[0], dim=a.get("axis", 1))
        raise SystemExit(f"ONNX operator {t} ('{n.name}') is not handled by this tool.")

    def calibrate(self, x, w_bits, a_bits, batch=128):
        lo, hi = {}, {}

        def observe(name, v):
            lo[name] = min(lo.get(name, 0.0), float(v.min()))  # the range always holds zero, as PyTorch's observers do
            hi[name] = max(hi.get(name, 0.0), float(v.max()))

        with torch.no_grad():
            for i in range(0, len(x), batch):
                self.run(torch.from_numpy(x[i:i + batch]), observe=observe)
        qmax = 2 ** a_bits - 1
        for p in self.points:
            # torch.ao.quantization MinMaxObserver, per tensor affine over [0, 2^b - 1].
            scale = max((hi[p] - lo[p]) / qmax, float(torch.finfo(torch.float32).eps))
            zero = int(min(qmax, max(0, 0 - round(lo[p] / scale))))
            self.act[p] = (scale, zero, 0, qmax)
        for p in self.wide:
            wmax8 = 2 ** self.wide_bits - 1
            scale = max((hi[p] - lo[p]) / wmax8, float(torch.finfo(torch.float32).eps))
            self.act["wide:" + p] = (scale, int(min(wmax8, max(0, 0 - round(lo[p] / scale)))), 0, wmax8)
        wmax = 2 ** (w_bits - 1) - 1
        for n in self.nodes:
            if n.op_type in ("Conv", "Gemm"):
                w = self.params[n.input[1]]
                # PerChannelMinMaxObserver, per channel symmetric over [-(2^(b-1)-1), 2^(b-1)-1].
                m = w.abs().reshape(w.shape[0], -1).max(dim=1).values
                s = torch.clamp(m / wmax, min=float(torch.finfo(torch.float32).eps))
                self.wscale[n.input[1]] = s
                self.wq[n.input[1]] = torch.fake_quantize_per_channel_affine(w, s, torch.zeros_like(s, dtype=torch.int32), 0, -wmax, wmax)

    def accuracy(self, x, y, quantize, batch=250):
        correct = 0
        with torch.no_grad():
            for i in range(0, len(x), batch):
                logits = self.run(torch.from_numpy(x[i:i + batch]), quantize=quantize)
                correct += int((logits.argmax(1).numpy() == y[i:i + batch]).sum())
        return correct / len(x)


def compare(model, widths, args):
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, model + ".onnx")
    cmd = shlex.split(args.bitlab) + ["quantize", model, "--bits", ",".join(widths), "--calib-images", str(args.calib_images),
                                       "--export-fp32", onnx_path, "--json"] + args.bitlab_args
    bl = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    xtr, _ = mnist("train")
    xte, yte = mnist("test")
    calib = xtr[:args.calib_images]
    net = OnnxModule(onnx_path, int32_bias=args.int32_bias)
    wide = OnnxModule(onnx_path, args.wide_bits, args.int32_bias) if args.wide_bits else None
    rows = []
    fp = net.accuracy(xte, yte, quantize=False)
    for width, row in zip(widths, bl["quantized"]):
        w, a = (int(v) for v in width.split("/"))
        net.calibrate(calib, w, a)
        rows.append({"bits": f"W{w}A{a}", "bitlab": row["accuracy"], "bitlab_method": row["method"],
                     "torch": net.accuracy(xte, yte, quantize=True)})
        if wide is not None:
            wide.calibrate(calib, w, a)
            rows[-1]["torch_wide"] = wide.accuracy(xte, yte, quantize=True)
    return {"model": model, "fp32_bitlab": bl["fp32Accuracy"], "fp32_torch": fp, "calibration_images": args.calib_images,
            "activation_points_torch": len(net.points), "wide_tensors_torch": 0 if wide is None else len(wide.wide), "rows": rows}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="+")
    p.add_argument("--bits", default="4/4,8/4,4/8", help="comma-separated W/A widths (default: 4/4,8/4,4/8)")
    p.add_argument("--calib-images", type=int, default=512)
    p.add_argument("--wide-bits", type=int, help="also quantize what integer operators read (residual stream) at this width, as bitlab does")
    p.add_argument("--int32-bias", action="store_true", help="round biases to int32 codes on S_in*S_w as deployed kernels do (default: float biases)")
    p.add_argument("--out", default="torch-reference")
    p.add_argument("--bitlab", default=os.path.join(ROOT, "bitlab"), help="how to run the bitlab CLI (default: the launcher)")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args = p.parse_args(argv[:cut])
    args.bitlab_args = argv[cut + 1:]  # after --: more options for bitlab's quantize
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    widths = [w.strip() for w in args.bits.split(",")]
    results = [compare(m, widths, args) for m in args.models]
    json.dump(results, sys.stdout, indent=2)
    print()
    extra = f" PyTorch, {args.wide_bits}-bit stream |" if args.wide_bits else ""
    print("\n| model | bits | bitlab integer-only | PyTorch reference | bitlab - PyTorch |" + extra, file=sys.stderr)
    print("|---|---|---|---|---|" + ("---|" if extra else ""), file=sys.stderr)
    for r in results:
        print(f"| {r['model']} | FP32 | {100 * r['fp32_bitlab']:.2f} | {100 * r['fp32_torch']:.2f} | |", file=sys.stderr)
        for row in r["rows"]:
            d = 100 * (row["bitlab"] - row["torch"])
            w = f" {100 * row['torch_wide']:.2f} |" if "torch_wide" in row else ""
            print(f"| {r['model']} | {row['bits']} | {100 * row['bitlab']:.2f} | {100 * row['torch']:.2f} | {d:+.2f} |" + w, file=sys.stderr)


if __name__ == "__main__":
    main()
