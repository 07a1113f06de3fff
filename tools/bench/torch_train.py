"""Times PyTorch CPU training of a network given as a bitlab FP32 ONNX export: the same architecture,
initial weights, images, batch size, optimizer and thread count as bitlab's training bench.

A comparison tool only (torch is never a dependency of bitlab). Run it from the venv tools/bench/torch-venv.sh
makes (torch from the local wheel index); `./bitlab bench foundation train` calls it beside bitlab.

  torch_train.py MODEL.onnx IMAGES.npy LABELS.npy [--test TEST_IMAGES.npy TEST_LABELS.npy]
                 --batch 64 --threads 2 --epochs 2 [--lr 0.001] [--channels-last]

Each epoch is the training pass (Adam, shuffled batches, BatchNorm in training mode) plus, with --test,
the evaluation of the test images, as bitlab's trainer counts an epoch. Prints one JSON line: the
seconds of each epoch, images per second of the last, the final mean loss, the test accuracy and the
peak resident memory of the process (ru_maxrss).
"""
import argparse
import json
import resource
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


class OnnxNet(nn.Module):
    """The ONNX graph as torch modules, node for node (the op set bitlab exports)."""

    def __init__(self, model):
        super().__init__()
        g = model.graph
        init = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy()) for t in g.initializer}
        self.input = g.input[0].name
        self.output = g.output[0].name
        self.steps = []
        self.mods = nn.ModuleDict()
        for i, n in enumerate(g.node):
            a = attrs(n)
            key = "n%d" % i
            ins = [x for x in n.input if x not in init]
            if n.op_type == "Conv":
                w = init[n.input[1]]
                m = nn.Conv2d(w.shape[1] * a.get("group", 1), w.shape[0], tuple(a["kernel_shape"]), stride=tuple(a["strides"]),
                              padding=tuple(a["pads"][:2]), groups=a.get("group", 1), bias=len(n.input) > 2)
                m.weight.data.copy_(w)
                if len(n.input) > 2:
                    m.bias.data.copy_(init[n.input[2]])
            elif n.op_type == "Gemm":
                w = init[n.input[1]]
                m = nn.Linear(w.shape[1], w.shape[0], bias=len(n.input) > 2)
                m.weight.data.copy_(w)
                if len(n.input) > 2:
                    m.bias.data.copy_(init[n.input[2]])
            elif n.op_type == "BatchNormalization":
                m = nn.BatchNorm2d(init[n.input[1]].shape[0], eps=a.get("epsilon", 1e-5), momentum=1 - a.get("momentum", 0.9))
                m.weight.data.copy_(init[n.input[1]])
                m.bias.data.copy_(init[n.input[2]])
                m.running_mean.copy_(init[n.input[3]])
                m.running_var.copy_(init[n.input[4]])
            elif n.op_type == "Relu":
                m = nn.ReLU()
            elif n.op_type == "Clip":
                m = nn.ReLU6()
            elif n.op_type == "MaxPool":
                m = nn.MaxPool2d(tuple(a["kernel_shape"]), stride=tuple(a["strides"]), padding=tuple(a.get("pads", [0, 0])[:2]))
            elif n.op_type == "AveragePool":
                m = nn.AvgPool2d(tuple(a["kernel_shape"]), stride=tuple(a["strides"]), padding=tuple(a.get("pads", [0, 0])[:2]),
                                 count_include_pad=bool(a.get("count_include_pad", 0)))
            elif n.op_type == "GlobalAveragePool":
                m = nn.AdaptiveAvgPool2d(1)
            elif n.op_type == "Flatten":
                m = nn.Flatten()
            elif n.op_type in ("Add", "Concat", "Softmax"):
                m = None
            else:
                sys.exit("torch_train.py: ONNX op %s is not handled" % n.op_type)
            if m is not None:
                self.mods[key] = m
            self.steps.append((key, n.op_type, ins, n.output[0]))

    def forward(self, x):
        v = {self.input: x}
        for key, op, ins, out in self.steps:
            if op == "Add":
                v[out] = v[ins[0]] + v[ins[1]]
            elif op == "Concat":
                v[out] = torch.cat([v[i] for i in ins], 1)
            elif op == "Softmax":
                v[out] = v[ins[0]]  # training takes the logits: cross-entropy includes the softmax
            else:
                v[out] = self.mods[key](v[ins[0]])
        return v[self.output]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("images")
    p.add_argument("labels")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--test", nargs=2, metavar=("IMAGES", "LABELS"))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    net = OnnxNet(onnx.load(a.model))
    x = torch.from_numpy(np.load(a.images).astype(np.float32))
    y = torch.from_numpy(np.load(a.labels).astype(np.int64))
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    net = net.to(memory_format=fmt)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    net.train()
    tx = ty = None
    if a.test:
        tx = torch.from_numpy(np.load(a.test[0]).astype(np.float32)).contiguous(memory_format=fmt)
        ty = torch.from_numpy(np.load(a.test[1]).astype(np.int64))
    seconds = []
    loss_sum = 0.0
    accuracy = None
    for epoch in range(a.epochs):
        order = torch.randperm(len(x), generator=torch.Generator().manual_seed(a.seed * 1000 + epoch))
        t0 = time.perf_counter()
        loss_sum = 0.0
        for i in range(0, len(x), a.batch):
            idx = order[i:i + a.batch]
            if len(idx) < 2:
                continue
            xb = x[idx].contiguous(memory_format=fmt)
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(net(xb), y[idx])
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
        if tx is not None:
            net.eval()
            with torch.no_grad():
                correct = sum(int((net(tx[i:i + 250]).argmax(1) == ty[i:i + 250]).sum()) for i in range(0, len(tx), 250))
            accuracy = correct / len(tx)
            net.train()
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "batch": a.batch, "images": len(x),
                      "epochSeconds": seconds, "imagesPerSecond": len(x) / seconds[-1], "loss": loss_sum / len(x), "testAccuracy": accuracy,
                      "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == "__main__":
    main()
