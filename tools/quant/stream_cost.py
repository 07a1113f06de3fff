#!/usr/bin/env python3
"""What storing the residual stream at 8 bits costs in the PyTorch reference itself, and why it moves accuracy so much.

bitlab's integer program must store the tensors integer operators add up (the residual stream, the global pool's
input) at some width; the plain PyTorch reference (`torch_reference.py`) keeps them in float. Given bitlab's stream,
PyTorch scores bitlab's numbers; this tool asks how much the stream's width matters, and whether the difference is a
systematic loss or noise, on bitlab's FP32 weights in PyTorch alone (the same `OnnxModule` as `torch_reference.py`:
per-channel symmetric min-max weights, per-tensor asymmetric min-max activations at every Conv and Gemm input, biases
as int32 codes on `S_in * S_w` unless `--float-bias`):

1. **Calibration sets.** For each of `--sets` disjoint slices of `--calib-images` training images (the first is the
   slice bitlab and `torch_reference.py` calibrate on), the accuracy on the 2,000 test images with the stream in
   float, at 8 bits and at 16 bits, and in float with float biases.
2. **One stream tensor at a time** (`--ablate`, on the first slice or on `--ablate-slice K`): each stream tensor alone
   at 8 bits, and every one but it.
3. **Where the codes part** (`--divergence`, first slice, first 200 test images): per activation point, the share of
   the 4-bit codes a layer reads that differ between the float stream and the 8-bit one, and on the first tensors
   at the image's size, on the image's background (its smallest pixel value) against on the strokes.

    .venv/bin/python tools/quant/stream_cost.py mobilenet-v2-mini --bits 4/4 --sets 5 --ablate --divergence

Needs numpy, onnx and torch (the venv); exports each model's FP32 weights with `bitlab quantize --export-fp32` unless
`--onnx-dir` already holds MODEL.onnx. A diagnostic only: bitlab never needs torch.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

import torch

from mnist_data import ROOT, mnist
from torch_reference import OnnxModule


def export(model, args):
    path = os.path.join(args.onnx_dir, model + ".onnx")
    if not os.path.exists(path):
        os.makedirs(args.onnx_dir, exist_ok=True)
        cmd = shlex.split(args.bitlab) + ["quantize", model, "--bits", "8/8", "--calib-images", "16",
                                          "--export-fp32", path, "--json"]
        subprocess.run(cmd, check=True, capture_output=True, text=True)
    return path


def accuracy(path, wide_bits, int32_bias, calib, w, a, xte, yte, wide=None):
    net = OnnxModule(path, wide_bits, int32_bias)
    if wide is not None:
        net.wide = wide
    net.calibrate(calib, w, a)
    return round(100 * net.accuracy(xte, yte, quantize=True), 2)


def read_codes(net, x):
    """The codes each Conv/Gemm point would take from the value the layer is handed (after any stream quantizer)."""
    codes = {}

    def observe(name, v):
        if name in net.act and name not in codes:
            s, z, lo, hi = net.act[name]
            codes[name] = torch.clamp(torch.round(v / s) + z, lo, hi)

    with torch.no_grad():
        net.run(x, quantize=True, observe=observe)
    return codes


def divergence(path, calib, w, a, xte):
    stream = OnnxModule(path, 8, True)
    plain = OnnxModule(path, 8, True)
    plain.wide = []
    stream.calibrate(calib, w, a)
    plain.calibrate(calib, w, a)
    x = torch.from_numpy(xte[:200])
    background = x == x.min()
    got, want = read_codes(stream, x), read_codes(plain, x)
    rows = []
    for name in want:
        if name not in got or name in stream.wide:  # a stream tensor itself is read before its own 8-bit quantizer
            continue
        d = got[name] != want[name]
        row = {"point": name, "differ": round(100 * d.float().mean().item(), 2)}
        if d.dim() == 4 and d.shape[2:] == x.shape[2:]:
            m = background.expand_as(d)
            row["background"] = round(100 * d[m].float().mean().item(), 2)
            row["strokes"] = round(100 * d[~m].float().mean().item(), 2)
        rows.append(row)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="+")
    p.add_argument("--bits", default="4/4", help="comma-separated W/A widths (default: 4/4)")
    p.add_argument("--sets", type=int, default=5, help="disjoint calibration slices (default: 5)")
    p.add_argument("--calib-images", type=int, default=512)
    p.add_argument("--ablate", action="store_true", help="each stream tensor alone at 8 bits, and all but it (first slice)")
    p.add_argument("--ablate-slice", type=int, default=0, help="the calibration slice --ablate uses (default: 0, the first)")
    p.add_argument("--divergence", action="store_true", help="where the 4-bit codes part, point by point (first slice)")
    p.add_argument("--onnx-dir", default="torch-reference")
    p.add_argument("--bitlab", default=os.path.join(ROOT, "bitlab"), help="how to run the bitlab CLI (default: the launcher)")
    args = p.parse_args()
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    xtr, _ = mnist("train")
    xte, yte = mnist("test")
    if args.sets * args.calib_images > len(xtr):
        raise SystemExit(f"{args.sets} slices of {args.calib_images} images need {args.sets * args.calib_images} training "
                         f"images and there are {len(xtr)}; ask for fewer --sets or --calib-images.")
    if (args.ablate_slice + 1) * args.calib_images > len(xtr):
        raise SystemExit(f"--ablate-slice {args.ablate_slice} starts past the {len(xtr)} training images; give a slice "
                         f"below {len(xtr) // args.calib_images}.")
    results = []
    for model in args.models:
        path = export(model, args)
        for width in args.bits.split(","):
            w, a = (int(v) for v in width.strip().split("/"))
            r = {"model": model, "bits": f"W{w}A{a}", "sets": []}
            for k in range(args.sets):
                calib = xtr[k * args.calib_images:(k + 1) * args.calib_images]
                r["sets"].append({
                    "first_image": k * args.calib_images,
                    "float_stream": accuracy(path, None, True, calib, w, a, xte, yte),
                    "stream_8": accuracy(path, 8, True, calib, w, a, xte, yte),
                    "stream_16": accuracy(path, 16, True, calib, w, a, xte, yte),
                    "float_stream_float_bias": accuracy(path, None, False, calib, w, a, xte, yte)})
                print(model, width, json.dumps(r["sets"][-1]), file=sys.stderr, flush=True)
            k = args.ablate_slice
            calib = xtr[k * args.calib_images:(k + 1) * args.calib_images]
            if args.ablate:
                tensors = OnnxModule(path, 8, True).wide
                r["ablation_slice_first_image"] = k * args.calib_images
                r["ablation"] = [{"tensor": t,
                                  "alone_at_8": accuracy(path, 8, True, calib, w, a, xte, yte, [t]),
                                  "all_but_it_at_8": accuracy(path, 8, True, calib, w, a, xte, yte,
                                                              [u for u in tensors if u != t])} for t in tensors]
            if args.divergence:
                r["divergence"] = divergence(path, xtr[:args.calib_images], w, a, xte)
            results.append(r)
    json.dump(results, sys.stdout, indent=2)
    print()
    for r in results:
        print(f"\n{r['model']} {r['bits']}: accuracy % on 2,000 test images per calibration slice (int32 biases)",
              file=sys.stderr)
        print("| first image | float stream | 8-bit stream | 16-bit stream | float stream, float biases |", file=sys.stderr)
        print("|---|---|---|---|---|", file=sys.stderr)
        for s in r["sets"]:
            print(f"| {s['first_image']} | {s['float_stream']:.2f} | {s['stream_8']:.2f} | {s['stream_16']:.2f} | "
                  f"{s['float_stream_float_bias']:.2f} |", file=sys.stderr)
        n = len(r["sets"])
        mean = {k: sum(s[k] for s in r["sets"]) / n for k in ("float_stream", "stream_8", "stream_16", "float_stream_float_bias")}
        print(f"| mean | {mean['float_stream']:.2f} | {mean['stream_8']:.2f} | {mean['stream_16']:.2f} | "
              f"{mean['float_stream_float_bias']:.2f} |", file=sys.stderr)
        if "ablation" in r:
            print(f"  one stream tensor at 8 bits, calibration slice from image {r['ablation_slice_first_image']}:",
                  file=sys.stderr)
        for t in r.get("ablation", []):
            print(f"  {t['tensor']}: alone at 8 bits {t['alone_at_8']:.2f}, all but it at 8 bits {t['all_but_it_at_8']:.2f}",
                  file=sys.stderr)
        for d in r.get("divergence", []):
            extra = f" (background {d['background']:.2f}%, strokes {d['strokes']:.2f}%)" if "background" in d else ""
            print(f"  {d['point']}: {d['differ']:.2f}% of the codes differ{extra}", file=sys.stderr)


if __name__ == "__main__":
    main()
