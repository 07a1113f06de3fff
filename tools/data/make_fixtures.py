#!/usr/bin/env python3
"""Writes the small array files that bitlab's reader tests load (engine/src/test/resources/bitlab/data/fixtures).

They are written by numpy itself (numpy.save, numpy.savez, numpy.savez_compressed), so the tests check bitlab's
NPY/NPZ reader against the real format, plus CSV and IDX files of the same images. Every value is a formula of its
position, which the Java tests recompute:

    pixel(i, k) = (7 * i + 3 * k) % 256    image i, value k of the image in C order ([C, H, W] or [H, W])
    label(i)    = i % classes

Run from the repository root with numpy installed (e.g. `.venv/bin/pip install numpy`, from the local wheel index):

    python3 tools/data/make_fixtures.py

The output is the same on every run (no timestamps are stored).
"""
import gzip
import os
import struct
import sys

import numpy as np

OUT = os.path.join("engine", "src", "test", "resources", "bitlab", "data", "fixtures")


def pixels(n, shape):
    per = int(np.prod(shape))
    i = np.arange(n).reshape(n, 1)
    k = np.arange(per).reshape(1, per)
    return ((7 * i + 3 * k) % 256).reshape((n,) + tuple(shape))


def labels(n, classes):
    return np.arange(n) % classes


def write_gzip(path, data):
    # mtime=0: the same bytes on every run
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(data)


def idx(array, type_code):
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + b"".join(struct.pack(">I", d) for d in array.shape)
    dtype = {0x08: ">u1", 0x0D: ">f4"}[type_code]
    return header + array.astype(dtype).tobytes()


def main():
    os.makedirs(OUT, exist_ok=True)
    out = lambda name: os.path.join(OUT, name)

    # .npy: one array per file, several types, byte orders and layouts
    np.save(out("grey_u1.npy"), pixels(20, (6, 6)).astype(np.uint8))                       # [N, H, W] uint8 0..255
    np.save(out("labels_i8.npy"), labels(20, 4).astype(np.int64))                          # [N] int64
    np.save(out("grey_f4.npy"), (pixels(20, (6, 6)) / 255.0).astype(np.float32))           # [N, H, W] float32 0..1
    np.save(out("colour_f8_be.npy"), (pixels(20, (3, 4, 4)) / 255.0).astype(">f8"))        # [N, C, H, W] big-endian float64
    np.save(out("colour_nhwc_u1.npy"),                                                     # [N, H, W, C] uint8
            pixels(20, (3, 4, 4)).transpose(0, 2, 3, 1).astype(np.uint8))
    np.save(out("grey_fortran_f4.npy"), np.asfortranarray(pixels(20, (6, 6)).astype(np.float32)))
    np.save(out("flat_i4.npy"), pixels(20, (36,)).astype(np.int32))                        # [N, H*W] rows
    np.save(out("labels_onehot_f4.npy"), np.eye(4, dtype=np.float32)[labels(20, 4)])      # [N, K] one-hot
    np.save(out("labels_u1.npy"), labels(20, 4).astype(np.uint8))
    normalised = ((pixels(20, (6, 6)) / 255.0 - 0.5) / 0.25).astype(np.float32)            # already normalised
    np.save(out("normalised_f4.npy"), normalised)

    # .npz: declared parts (plain and compressed) and one pool
    train, test, val = pixels(40, (6, 6)).astype(np.uint8), pixels(12, (6, 6)).astype(np.uint8), pixels(8, (6, 6)).astype(np.uint8)
    np.savez(out("parts.npz"), x_train=train, y_train=labels(40, 4), x_test=test, y_test=labels(12, 4))
    np.savez_compressed(out("parts_compressed.npz"), x_train=train, y_train=labels(40, 4), x_val=val, y_val=labels(8, 4),
                        x_test=test, y_test=labels(12, 4))
    np.savez(out("pool.npz"), images=pixels(50, (3, 4, 4)).astype(np.uint8), labels=labels(50, 5))

    # CSV: label column then pixels, with and without a header, and gzip-compressed
    rows = pixels(20, (36,))
    y = labels(20, 4)
    header = "label," + ",".join("pixel%d" % k for k in range(36))
    lines = [",".join([str(y[i])] + [str(v) for v in rows[i]]) for i in range(20)]
    with open(out("pixels.csv"), "w", newline="\n") as f:
        f.write(header + "\n" + "\n".join(lines) + "\n")
    with open(out("pixels_noheader.csv"), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    write_gzip(out("pixels.csv.gz"), (header + "\n" + "\n".join(lines) + "\n").encode("ascii"))

    # IDX: MNIST's layout in a folder, compressed, and a float32 IDX pair
    folder = out("idx")
    os.makedirs(folder, exist_ok=True)
    write_gzip(os.path.join(folder, "train-images-idx3-ubyte.gz"), idx(pixels(30, (6, 6)), 0x08))
    write_gzip(os.path.join(folder, "train-labels-idx1-ubyte.gz"), idx(labels(30, 3), 0x08))
    with open(os.path.join(folder, "t10k-images-idx3-ubyte"), "wb") as f:
        f.write(idx(pixels(9, (6, 6)), 0x08))
    with open(os.path.join(folder, "t10k-labels-idx1-ubyte"), "wb") as f:
        f.write(idx(labels(9, 3), 0x08))
    with open(out("grey_f4.idx"), "wb") as f:
        f.write(idx(pixels(20, (6, 6)) / 255.0, 0x0D))
    with open(out("labels_u1.idx"), "wb") as f:
        f.write(idx(labels(20, 4), 0x08))
    print("wrote fixtures to", OUT, "with numpy", np.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
