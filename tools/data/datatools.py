"""Shared helpers for bitlab's one-time data conversions (standard library only).

The converted files are gzip-compressed IDX files, the format of the original MNIST
distribution: big-endian magic 0x00000803 (unsigned bytes, 3 dimensions) then N, H, W as
32-bit integers then N*H*W pixel bytes for images; magic 0x00000801 then N then N label
bytes for labels. The gzip header carries no file name and a zero time stamp, so the
same input always gives byte-identical output.
"""

import gzip
import hashlib
import json
import os
import random
import struct

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESOURCES = os.path.join(REPO, "engine", "src", "main", "resources", "bitlab", "data")


def stratified_split(labels, test_total, seed):
    """Split indices 0..len(labels)-1 into (train, test) with test_total test items.

    Each class gets floor(n_c * test_total / n) test items; the items left over go to the
    classes with the largest remainders (ties: smaller class first). Integer arithmetic
    only, so the quotas are exact. Within a class the items are drawn after a seeded
    shuffle; both parts are then shuffled with the same generator, so any prefix of a part
    mixes the classes. bitlab.data.Stratify implements the same quota rule in Java.
    """
    n = len(labels)
    if not 0 < test_total < n:
        raise ValueError(f"test_total must be between 1 and {n - 1}, got {test_total}")
    rng = random.Random(seed)
    classes = sorted(set(labels))
    by_class = {c: [i for i, l in enumerate(labels) if l == c] for c in classes}
    take = {}
    remainder = {}
    for c in classes:
        take[c], remainder[c] = divmod(len(by_class[c]) * test_total, n)
    left = test_total - sum(take.values())
    for c in sorted(classes, key=lambda c: (-remainder[c], c))[:left]:
        take[c] += 1
    train, test = [], []
    for c in classes:
        idx = list(by_class[c])
        rng.shuffle(idx)
        test += idx[: take[c]]
        train += idx[take[c]:]
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def idx_images(pixels, count, height, width):
    """IDX bytes for `count` images of height x width unsigned bytes."""
    assert len(pixels) == count * height * width
    return struct.pack(">iiii", 0x00000803, count, height, width) + bytes(pixels)


def idx_labels(labels):
    return struct.pack(">ii", 0x00000801, len(labels)) + bytes(labels)


def write_gz(path, payload):
    """Write payload gzip-compressed, reproducibly; return (compressed size, sha256 of payload)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(payload)
    os.replace(tmp, path)
    return os.path.getsize(path), hashlib.sha256(payload).hexdigest()


def write_split(out_dir, split, images, labels, height, width):
    """images: list of byte sequences (one per image). Returns provenance entries."""
    flat = bytearray()
    for img in images:
        flat += bytes(img)
    files = {}
    for name, payload in (
        (f"{split}-images-idx3-ubyte.gz", idx_images(flat, len(images), height, width)),
        (f"{split}-labels-idx1-ubyte.gz", idx_labels(labels)),
    ):
        size, digest = write_gz(os.path.join(out_dir, name), payload)
        files[name] = {"bytes": size, "sha256_uncompressed": digest}
    return files


def per_class(labels, classes):
    return [sum(1 for l in labels if l == c) for c in range(classes)]


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
