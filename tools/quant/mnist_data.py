"""bitlab's MNIST-10k splits as NumPy arrays, normalised as the zoo models expect (shared by the comparison tools)."""
import gzip
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MNIST = os.path.join(ROOT, "engine", "src", "main", "resources", "bitlab", "data", "mnist")
MEAN, STD = 0.1307, 0.3081


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist(split):
    """Images [N, 1, 28, 28] float32, normalised, and labels [N] int64 of the 'train' or 'test' split."""
    x = idx(os.path.join(MNIST, f"{split}-images-idx3-ubyte.gz")).astype(np.float32) / np.float32(255)
    x = ((x - np.float32(MEAN)) / np.float32(STD)).astype(np.float32)[:, None, :, :]
    y = idx(os.path.join(MNIST, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    return x, y
