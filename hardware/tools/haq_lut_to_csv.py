#!/usr/bin/env python3
"""Convert a latency lookup table published with the HAQ reference code to bitlab's LUT CSV.

The HAQ reference implementation (Wang et al., "HAQ: Hardware-Aware Automated Quantization with
Mixed Precision", CVPR 2019) ships its MobileNet-V2 cloud-accelerator latency table as a NumPy
file, lib/simulator/lookup_tables/qmobilenetv2_imagenet100_batch16_latency_table.npy: an array of
shape (layers, 8, 8) indexed [layer, w_bits - 1, a_bits - 1], as its linear_quantize_env.py reads
it. bitlab does not redistribute that table: bring your own copy of the file and run

    python3 hardware/tools/haq_lut_to_csv.py TABLE.npy OUT_DIR [--name haq-mobilenetv2-cloud]

which writes OUT_DIR/NAME.csv (layer,name,w_bits,a_bits,latency) and OUT_DIR/NAME.yaml (a `lut`
target recording the table's provenance), and prints the all-8-bit total (39,624,933 for the
published file). Load it with Catalogue.builtIn().withDirectory(OUT_DIR).target(NAME).

Only the Python standard library is used: the .npy header is a Python literal, the data a
little- or big-endian array of integers or floats in C order.
"""
import argparse
import ast
import os
import struct
import sys

DTYPES = {"i8": "q", "i4": "i", "i2": "h", "u8": "Q", "u4": "I", "f8": "d", "f4": "f"}


def read_npy(path):
    """Returns (shape, flat values) of a C-ordered numeric .npy file."""
    with open(path, "rb") as f:
        if f.read(6) != b"\x93NUMPY":
            raise SystemExit(f"{path} is not a NumPy .npy file (its first bytes are not the .npy magic).")
        major = f.read(2)[0]
        size_format = "<H" if major == 1 else "<I"
        (header_len,) = struct.unpack(size_format, f.read(struct.calcsize(size_format)))
        header = ast.literal_eval(f.read(header_len).decode("latin1"))
        descr, shape = header["descr"], tuple(header["shape"])
        if header.get("fortran_order"):
            raise SystemExit(f"{path} is stored in Fortran order; expected C order as numpy.save writes by default.")
        order, kind = descr[0], descr[1:]
        if kind not in DTYPES:
            raise SystemExit(f"{path} holds {descr}; expected integers or floats ({', '.join(DTYPES)}).")
        endian = ">" if order == ">" else "<"
        count = 1
        for d in shape:
            count *= d
        item = struct.calcsize(DTYPES[kind])
        data = f.read(count * item)
        if len(data) != count * item:
            raise SystemExit(f"{path} ends early: {len(data)} of {count * item} data bytes.")
        return shape, struct.unpack(f"{endian}{count}{DTYPES[kind]}", data)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("table", help="the published .npy table, shape (layers, 8, 8)")
    p.add_argument("out_dir", help="folder to write NAME.csv and NAME.yaml into")
    p.add_argument("--name", default="haq-mobilenetv2-cloud", help="target name (default: %(default)s)")
    args = p.parse_args()
    shape, values = read_npy(args.table)
    if len(shape) != 3 or shape[1] != 8 or shape[2] != 8:
        raise SystemExit(f"{args.table} has shape {shape}; expected (layers, 8, 8) indexed [layer, w-1, a-1].")
    layers = shape[0]
    os.makedirs(args.out_dir, exist_ok=True)
    csv_path = os.path.join(args.out_dir, args.name + ".csv")
    total8 = 0
    with open(csv_path, "w", newline="\n") as out:
        out.write("# Converted by hardware/tools/haq_lut_to_csv.py from the HAQ reference code's table\n")
        out.write(f"# {os.path.basename(args.table)}: shape {shape}, indexed [layer, w_bits-1, a_bits-1]\n")
        out.write("layer,name,w_bits,a_bits,latency\n")
        for layer in range(layers):
            for w in range(1, 9):
                for a in range(1, 9):
                    v = values[(layer * 8 + (w - 1)) * 8 + (a - 1)]
                    if v < 0:
                        raise SystemExit(f"{args.table} has a negative latency {v} at layer {layer}, w={w}, a={a}.")
                    text = str(int(v)) if float(v).is_integer() else repr(float(v))
                    out.write(f"{layer},layer{layer},{w},{a},{text}\n")
                    if w == 8 and a == 8:
                        total8 += v
    yaml_path = os.path.join(args.out_dir, args.name + ".yaml")
    with open(yaml_path, "w", newline="\n") as out:
        out.write(f"""description: >-
  HAQ's MobileNet-V2 cloud-accelerator latency table (BISMO on a VU9P-class FPGA, batch 16),
  as published with the HAQ reference code (Wang et al., CVPR 2019). {layers} layers x 8 x 8.
kind: lut
parameters:
  table: {{value: {args.name}.csv, source: "converted by hardware/tools/haq_lut_to_csv.py from {os.path.basename(args.table)}"}}
  secondsPerUnit: {{value: 1e-9, source: "the reference code never states the unit; 1 unit = 1 ns is an assumption that puts the all-8-bit total at {total8 / 1e6:.1f} ms per batch of 16"}}
  batch: {{value: 16, source: "the table's file name: _batch16_"}}
calibration: >-
  Measured by the HAQ authors on their simulator; no energy column. All-8-bit total {total8:,}
  table units.
""")
    print(f"{layers} layers x 8 x 8 written to {csv_path} and {yaml_path}; all-8-bit total {total8:,}")


if __name__ == "__main__":
    sys.exit(main())
