#!/usr/bin/env python3
"""Exports torchvision's classification families with random weights to ONNX, for bitlab's import tests.

Run by TorchvisionFamiliesTest (engine) at test time, from the repository root, in the project's .venv
(./bitlab setup installs torch, torchvision and onnx there as test tooling):

    .venv/bin/python tools/onnx/torchvision_families.py --out DIR [NAME ...]

No weights are downloaded: each model is torchvision's architecture with its own random initialisation and
seeded random BatchNorm statistics (so that no BatchNorm is the identity), in eval mode, exported by the
TorchScript exporter with a batch dimension named N. Input sizes are small to keep CI fast; VGG and AlexNet
need 224 x 224 (their adaptive pooling must stay exportable) and get a narrower classifier (64 hidden units
instead of 4096) so that their files stay small: their convolutional features are torchvision's.
Writes DIR/<name>.onnx and DIR/families.json (input shapes, opsets, torch and torchvision versions).
"""
import argparse
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import SEED, import_torchvision, randomize_batchnorm  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402


def narrow_classifier(model, features, hidden=64, classes=10):
    model.classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(features, hidden), nn.ReLU(inplace=True), nn.Dropout(0.5),
                                     nn.Linear(hidden, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, classes))
    return model


def families(tv):
    m = tv.models
    # name -> (constructor, input height and width, opset)
    return {
        "resnet18": (lambda: m.resnet18(weights=None, num_classes=10), 64, 17),
        "vgg11_bn": (lambda: narrow_classifier(m.vgg11_bn(weights=None), 512 * 7 * 7), 224, 17),
        "alexnet": (lambda: narrow_classifier(m.alexnet(weights=None), 256 * 6 * 6), 224, 17),
        "squeezenet1_1": (lambda: m.squeezenet1_1(weights=None, num_classes=10), 64, 17),
        "densenet121": (lambda: m.densenet121(weights=None, num_classes=10), 64, 17),
        "googlenet": (lambda: m.googlenet(weights=None, num_classes=10, aux_logits=False, init_weights=True), 64, 17),
        "shufflenet_v2_x0_5": (lambda: m.shufflenet_v2_x0_5(weights=None, num_classes=10), 64, 17),
        "mobilenet_v2": (lambda: m.mobilenet_v2(weights=None, num_classes=10), 64, 17),
        "mobilenet_v3_small": (lambda: m.mobilenet_v3_small(weights=None, num_classes=10), 64, 17),
        "mobilenet_v3_small_opset13": (lambda: m.mobilenet_v3_small(weights=None, num_classes=10), 64, 13),
        "mnasnet0_5": (lambda: m.mnasnet0_5(weights=None, num_classes=10), 64, 17),
        "efficientnet_b0": (lambda: m.efficientnet_b0(weights=None, num_classes=10), 64, 17),
        "regnet_y_400mf": (lambda: m.regnet_y_400mf(weights=None, num_classes=10), 64, 17),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("--check", action="store_true", help="only check that torch, torchvision and onnx import")
    ap.add_argument("names", nargs="*", help="families to export (default: all)")
    args = ap.parse_args()
    tv = import_torchvision()
    if args.check:
        return
    if not args.out:
        sys.exit("--out DIR is required")
    table = families(tv)
    names = args.names or list(table)
    unknown = [n for n in names if n not in table]
    if unknown:
        sys.exit(f"unknown families {unknown}; known: {', '.join(table)}")
    os.makedirs(args.out, exist_ok=True)
    manifest = {"torch": torch.__version__, "torchvision": tv.__version__, "seed": SEED, "models": []}
    for name in names:
        make, size, opset = table[name]
        torch.manual_seed(SEED)
        model = make().eval()
        randomize_batchnorm(model, torch.Generator().manual_seed(SEED))
        x = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(SEED))
        path = os.path.join(args.out, name + ".onnx")
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (x,), path, input_names=["input"], output_names=["logits"], opset_version=opset,
                              dynamo=False, do_constant_folding=True,
                              dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
        manifest["models"].append({"name": name, "input": [1, 3, size, size], "opset": opset, "bytes": os.path.getsize(path)})
    with open(os.path.join(args.out, "families.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    main()
