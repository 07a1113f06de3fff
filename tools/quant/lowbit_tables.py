#!/usr/bin/env python3
"""bitlab's low-bit PTQ tables: integer-only accuracy per calibration method, option set and width.

For each zoo model and each option set, runs
`./bitlab quantize MODEL --bits 8/8,4/8,8/4,4/4 --compare --weight-calib minmax OPTIONS --json`
(every activation calibration method: min-max, percentile 99.99, MSE, KL, ACIQ-Laplace, ACIQ-Gauss; weights
per-channel min-max; 512 calibration images from the training part; 2,000 test images) and prints one Markdown
table per model: a row per option set and method, a column per width.

    python3 tools/quant/lowbit_tables.py lenet5 resnet-mini --sets "" " --bias-correction" > tables.md

Option sets are strings of bitlab quantize options (start a set with a space, as above, so that it is not read as
an option of this script); each is run with and without `--asymmetric` unless `--no-symmetric` or
`--no-asymmetric` says otherwise; `--methods minmax,mse` runs those calibrations only (one run each) instead of
`--compare`'s six. The JSON of every run is kept with `--out DIR`.
Plain Python 3, no packages.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHORT = {"minmax": "min-max", "percentile:99.99": "percentile 99.99", "mse": "MSE", "kl": "KL",
         "aciq-laplace": "ACIQ-Laplace", "aciq-gauss": "ACIQ-Gauss"}


def method_of(description):
    """The activation method's short name from bitlab's description, e.g. 'static PTQ (weights minmax ..., activations mse ...)'."""
    after = description.split("activations ", 1)[1]
    return SHORT.get(after.split(" ", 1)[0].rstrip(","), after.split(" ", 1)[0])


def run(args, model, options):
    if args.methods:  # one run per method instead of --compare, rows joined
        runs = [run_one(args, model, options, ["--calib", m]) for m in args.methods.split(",")]
        runs[0]["quantized"] = [row for r in runs for row in r["quantized"]]
        return runs[0]
    return run_one(args, model, options, ["--compare"])


def run_one(args, model, options, how):
    cmd = shlex.split(args.bitlab) + ["quantize", model, "--bits", args.bits] + how + ["--weight-calib", "minmax",
                                       "--calib-images", str(args.calib_images), "--json"] + shlex.split(options)
    print("running: bitlab " + " ".join(cmd[1:]), file=sys.stderr)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        name = model + ("_" + options.replace("--", "").replace(" ", "_") if options else "") + ("_" + how[-1] if how[0] == "--calib" else "") + ".json"
        with open(os.path.join(args.out, name), "w") as f:
            f.write(out)
    return json.loads(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="+")
    p.add_argument("--bits", default="8/8,4/8,8/4,4/4")
    p.add_argument("--sets", nargs="*", default=["", " --bias-correction", " --equalize", "--equalize --bias-correction"],
                   help="option sets (strings of quantize options); default: none, bias correction, equalization, both")
    p.add_argument("--methods", help="comma-separated activation calibrations to run (each with --calib) instead of --compare's six")
    p.add_argument("--no-symmetric", action="store_true", help="run each set with --asymmetric only")
    p.add_argument("--no-asymmetric", action="store_true", help="run each set without --asymmetric only")
    p.add_argument("--calib-images", type=int, default=512)
    p.add_argument("--out", help="keep each run's JSON here")
    p.add_argument("--compact", action="store_true",
                   help="one table for all models: a row per model and method, a column per option set, each cell the widths' accuracies joined by ' / '")
    p.add_argument("--bitlab", default=os.path.join(ROOT, "bitlab"), help="how to run the bitlab CLI (default: the launcher)")
    args = p.parse_args()
    widths = ["W" + w.replace("/", "A") for w in args.bits.split(",")]
    variants = []
    for s in args.sets:
        if not args.no_symmetric:
            variants.append(s.strip())
        if not args.no_asymmetric:
            variants.append((s + " --asymmetric").strip())
    compact = []
    for model in args.models:
        table = []
        fp32 = None
        for options in variants:
            r = run(args, model, options)
            fp32 = r["fp32Accuracy"]
            eq = r.get("equalizedFp32Accuracy")
            cells = {}
            for row in r["quantized"]:
                cells.setdefault(method_of(row["method"]), {})[row["policy"]] = row["accuracy"]
            for method, by_width in cells.items():
                label = f"`{options}`" if options else "defaults"
                if eq is not None:
                    label += f" (FP32 after equalization {100 * eq:.2f})"
                table.append((label, method, [by_width.get(w) for w in widths]))
        if args.compact:
            compact.append((model, fp32, table))
            continue
        print(f"\n**{model}** (FP32 {100 * fp32:.2f}%), integer-only accuracy in %, 2,000 test images:\n")
        print("| options | activation calibration | " + " | ".join(widths) + " |")
        print("|---|---|" + "---|" * len(widths))
        for label, method, accs in table:
            print(f"| {label} | {method} | " + " | ".join("" if a is None else f"{100 * a:.2f}" for a in accs) + " |")
        sys.stdout.flush()
    if compact:
        labels = list(dict.fromkeys(label for _, _, table in compact for label, _, _ in table))
        short = [l.split(" (FP32", 1)[0] for l in labels]
        print("Integer-only accuracy in %, 2,000 test images, each cell " + " / ".join(widths) + ":\n")
        print("| model (FP32) | activation calibration | " + " | ".join(dict.fromkeys(short)) + " |")
        print("|---|---|" + "---|" * len(dict.fromkeys(short)))
        for model, fp32, table in compact:
            methods = list(dict.fromkeys(m for _, m, _ in table))
            for method in methods:
                cells = {l.split(" (FP32", 1)[0]: accs for l, m, accs in table if m == method}
                row = [" / ".join("" if a is None else f"{100 * a:.2f}" for a in cells.get(k, [])) for k in dict.fromkeys(short)]
                print(f"| {model} ({100 * fp32:.2f}) | {method} | " + " | ".join(row) + " |")
        notes = [f"{model}: {l.split(' (', 1)[1].rstrip(')')}" for model, _, table in compact
                 for l in dict.fromkeys(l for l, _, _ in table) if " (FP32" in l]
        if notes:
            print("\n" + "; ".join(dict.fromkeys(notes)) + ".")


if __name__ == "__main__":
    main()
