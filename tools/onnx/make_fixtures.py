#!/usr/bin/env python3
"""Makes the PyTorch-exported ONNX fixtures that bitlab's import tests read.

Run from the repository root, in a venv with torch, torchvision and onnx (onnxscript for the dynamo
exporter):

    python tools/onnx/make_fixtures.py [--out engine/src/test/resources/bitlab/onnx]

Each model gets random weights from a fixed seed (BatchNorm statistics too, so that they matter), is
exported at several opsets, and is written with a batch of inputs (`<model>.input.npy`) and PyTorch's
outputs for it (`<model>.output.npy`), float32. Also written: `not_onnx.onnx` (a text file) and
`unsupported_sigmoid.onnx` (a model with a Sigmoid) for the error tests, and `fixtures.json` listing
every file with the exporter, opset and torch version that made it.

    python tools/onnx/make_fixtures.py --large /some/dir

writes bigger torchvision models instead (ResNet-18, SqueezeNet 1.1, DenseNet-121; 85 MB), which are
not committed: for checking the importer by hand against PyTorch's outputs in the same form.
"""
import argparse
import json
import os
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn

SEED = 20261122
_TORCHVISION_SHIM = []


def import_torchvision():
    """torchvision, even when its C++ ops do not load (a wheel built for another torch variant): its
    Python models need none of them, but its import registers fake kernels for torchvision::nms and
    ::qnms, so those operators are declared first."""
    try:
        import torchvision
        return torchvision
    except RuntimeError as e:
        if "torchvision::nms" not in str(e):
            raise
    import sys
    for m in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[m]
    lib = torch.library.Library("torchvision", "DEF")
    lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold, int box_scale) -> Tensor")
    _TORCHVISION_SHIM.append(lib)
    import torchvision
    return torchvision


class TinyCnn(nn.Module):
    """Every operator bitlab imports in one small graph: BN (folded into the conv by the exporter, and
    two it cannot fold: after a pooling and after a ReLU on vectors), ReLU6, depthwise and grouped convs,
    a residual add, max and average pooling, a channel concat, x.view(x.size(0), -1), Gemm, and a
    MatMul + Add written by hand."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.dw = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.pw = nn.Conv2d(8, 8, 1)
        self.pool = nn.MaxPool2d(2, 2)
        self.pool_bn = nn.BatchNorm2d(8)
        self.branch_a = nn.Conv2d(8, 4, 1)
        self.branch_b = nn.Sequential(nn.Conv2d(8, 4, 3, stride=1, padding=1, groups=2), nn.ReLU())
        self.avg = nn.AvgPool2d(2, 2)
        self.fc1 = nn.Linear(8 * 4 * 4, 16)
        self.fc1_bn = nn.BatchNorm1d(16)
        self.w2 = nn.Parameter(torch.randn(16, 10) * 0.25)
        self.b2 = nn.Parameter(torch.randn(10) * 0.1)

    def forward(self, x):
        x = self.stem(x)
        x = x + self.pw(self.dw(x))
        x = self.pool_bn(self.pool(x))
        x = torch.cat([self.branch_a(x), self.branch_b(x)], 1)
        x = self.avg(x)
        x = x.view(x.size(0), -1)
        x = self.fc1_bn(torch.relu(self.fc1(x)))
        return torch.matmul(x, self.w2) + self.b2


class WithSigmoid(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc = nn.Linear(4 * 6 * 6, 2)

    def forward(self, x):
        return self.fc(torch.flatten(torch.sigmoid(self.conv(x)), 1))


def randomize_batchnorm(model, gen):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            c = m.num_features
            m.weight.data = 0.5 + torch.rand(c, generator=gen)
            m.bias.data = 0.1 * torch.randn(c, generator=gen)
            m.running_mean.data = 0.1 * torch.randn(c, generator=gen)
            m.running_var.data = 0.5 + torch.rand(c, generator=gen)


def strip_stack_traces(proto, path):
    """The dynamo exporter records a Python stack trace (with this machine's paths) on every node; the
    module scopes and classes bitlab reads for names stay. Rewritten with its weights in <file>.data."""
    for node in proto.graph.node:
        keep = [p for p in node.metadata_props if p.key != "pkg.torch.onnx.stack_trace"]
        del node.metadata_props[:]
        node.metadata_props.extend(keep)
    data = os.path.basename(path) + ".data"
    if os.path.exists(os.path.join(os.path.dirname(path), data)):
        os.remove(os.path.join(os.path.dirname(path), data))
    onnx.save_model(proto, path, save_as_external_data=True, all_tensors_to_one_file=True, location=data,
                    size_threshold=0)
    os.chmod(os.path.join(os.path.dirname(path), data), 0o644)


def export(model, x, path, opset, dynamo, dynamic_batch):
    kwargs = dict(input_names=["input"], output_names=["logits"], opset_version=opset, dynamo=dynamo)
    if dynamo:
        if dynamic_batch:
            kwargs["dynamic_shapes"] = ({0: torch.export.Dim("batch")},)
    else:
        kwargs["do_constant_folding"] = True
        if dynamic_batch:
            kwargs["dynamic_axes"] = {"input": {0: "batch"}, "logits": {0: "batch"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (x,), path, **kwargs)
    proto = onnx.load(path)
    if dynamo:
        strip_stack_traces(proto, path)
    onnx.checker.check_model(path)
    opsets = {o.domain or "ai.onnx": o.version for o in proto.opset_import}
    ops = sorted({n.op_type for n in proto.graph.node})
    return {"file": os.path.basename(path), "exporter": "dynamo" if dynamo else "torchscript",
            "opset": opsets.get("ai.onnx"), "dynamic_batch": dynamic_batch, "operators": ops,
            "bytes": os.path.getsize(path)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="engine/src/test/resources/bitlab/onnx")
    ap.add_argument("--large", metavar="DIR", help="instead, write torchvision ResNet-18 (64x64), SqueezeNet 1.1 and "
                    "DenseNet-121 (224x224) with their inputs and outputs to DIR: too big to commit, for manual checks")
    args = ap.parse_args()
    if args.large:
        args.out = args.large
    torchvision = import_torchvision()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    manifest = {"torch": torch.__version__, "torchvision": torchvision.__version__, "onnx": onnx.__version__,
                "seed": SEED, "models": []}

    def fixture(name, model, shape, variants):
        model.eval()
        randomize_batchnorm(model, gen)
        x = torch.randn(*shape, generator=gen)
        with torch.no_grad():
            y = model(x)
        np.save(os.path.join(args.out, name + ".input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(args.out, name + ".output.npy"), y.numpy().astype(np.float32))
        files = []
        for suffix, opset, dynamo, dynamic in variants:
            path = os.path.join(args.out, f"{name}.{suffix}.onnx")
            files.append(export(model, x, path, opset, dynamo, dynamic))
        manifest["models"].append({"name": name, "input": list(shape), "output": list(y.shape), "files": files})

    if args.large:
        os.makedirs(args.out, exist_ok=True)
        models = torchvision.models
        fixture("resnet18", models.resnet18(weights=None), (4, 3, 64, 64), [("opset17", 17, False, True)])
        fixture("squeezenet1_1", models.squeezenet1_1(weights=None), (2, 3, 224, 224), [("opset13", 13, False, True)])
        fixture("densenet121", models.densenet121(weights=None), (2, 3, 224, 224), [("opset17", 17, False, True)])
        with open(os.path.join(args.out, "fixtures.json"), "w") as f:
            json.dump(manifest, f, indent=2)
        return
    fixture("tiny_cnn", TinyCnn(), (8, 3, 16, 16), [
        ("opset11", 11, False, True),
        ("opset13_static", 13, False, False),
        ("opset17", 17, False, True),
        ("dynamo18", 18, True, True),
    ])
    mobilenet = torchvision.models.mobilenet_v2(weights=None, width_mult=0.25, num_classes=10)
    fixture("mobilenet_v2_w025", mobilenet, (8, 3, 32, 32), [
        ("opset13", 13, False, True),
        ("dynamo18", 18, True, True),
    ])

    sig = WithSigmoid().eval()
    export(sig, torch.randn(1, 1, 8, 8, generator=gen), os.path.join(args.out, "unsupported_sigmoid.onnx"), 13, False, True)
    with open(os.path.join(args.out, "not_onnx.onnx"), "w") as f:
        f.write("This is a text file with an .onnx name, used to test that bitlab says it is not an ONNX model.\n")
    with open(os.path.join(args.out, "fixtures.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(args.out, p)) for p in os.listdir(args.out))
    print(f"wrote {len(os.listdir(args.out))} files, {total:,} bytes, to {args.out}")


if __name__ == "__main__":
    main()
