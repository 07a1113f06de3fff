#!/usr/bin/env python3
"""Convert scikit-learn's digits.csv.gz (8x8 digits, values 0..16) into bitlab resource files.

    python3 tools/data/convert_digits.py                # pip-downloads the scikit-learn wheel itself
    python3 tools/data/convert_digits.py --wheel scikit_learn-....whl

The wheel carries sklearn/datasets/data/digits.csv.gz: 1,797 rows of 64 pixel values (0..16,
row-major 8x8) and the digit as the 65th column. This script splits them stratified by digit
into 1,437 train / 360 test with a fixed seed and writes gzip-compressed IDX files (pixel
bytes keep the 0..16 range) plus provenance.json to
engine/src/main/resources/bitlab/data/digits/. Standard library only; pip is used only to
download the wheel (no install), and the output is byte-identical on every run.
"""

import argparse
import glob
import gzip
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datatools  # noqa: E402

MEMBER = "sklearn/datasets/data/digits.csv.gz"
SEED = 42
TEST = 360
SIDE = 8


def fetch_wheel(workdir):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    "--timeout", "20", "--retries", "0", "-q", "-d", workdir, "scikit-learn"], check=True)
    wheels = glob.glob(os.path.join(workdir, "scikit_learn-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"pip download scikit-learn left {wheels} in {workdir}")
    return wheels[0]


def load(wheel):
    with zipfile.ZipFile(wheel) as z:
        raw = gzip.decompress(z.read(MEMBER))
    images, labels = [], []
    for n, line in enumerate(raw.decode("ascii").splitlines()):
        if not line.strip():
            continue
        cells = [int(round(float(c))) for c in line.split(",")]
        if len(cells) != SIDE * SIDE + 1:
            sys.exit(f"{MEMBER} row {n} has {len(cells)} columns, expected {SIDE * SIDE + 1}")
        pixels, label = cells[:-1], cells[-1]
        if min(pixels) < 0 or max(pixels) > 16 or not 0 <= label <= 9:
            sys.exit(f"{MEMBER} row {n} is out of range (pixels 0..16, label 0..9)")
        images.append(bytes(pixels))
        labels.append(label)
    return images, labels, hashlib.sha256(raw).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", help="a scikit-learn wheel (default: pip download one into a temp dir)")
    ap.add_argument("--out", default=os.path.join(datatools.RESOURCES, "digits"))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(tmp)
        wheel_name = os.path.basename(wheel)
        images, labels, csv_sha256 = load(wheel)

    counts = datatools.per_class(labels, 10)
    if len(images) != 1797:
        sys.exit(f"expected 1,797 images, got {len(images)}")
    train, test = datatools.stratified_split(labels, TEST, SEED)
    files = {}
    for split, idx in (("train", train), ("test", test)):
        files.update(datatools.write_split(args.out, split, [images[i] for i in idx],
                                           [labels[i] for i in idx], SIDE, SIDE))
    provenance = {
        "dataset": "digits",
        "description": "8x8 handwritten digits (pixel values 0..16), 1,797 images",
        "source": f"{MEMBER} from the scikit-learn wheel {wheel_name}; a copy of the test set of "
                  "the UCI ML 'Optical Recognition of Handwritten Digits' data set "
                  "(E. Alpaydin, C. Kaynak, 1998)",
        "licence": "CC BY 4.0 (UCI data set); scikit-learn is BSD-3-Clause",
        "csv_sha256": csv_sha256,
        "converted_by": "tools/data/convert_digits.py",
        "format": "gzip-compressed IDX (unsigned bytes, values 0..16), row-major 8x8",
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
    print(f"digits: {len(train)} train / {len(test)} test, per digit {counts} -> {args.out}")


if __name__ == "__main__":
    main()
