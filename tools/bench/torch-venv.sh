#!/usr/bin/env bash
# Makes build/torch-venv with PyTorch (CPU), onnx and numpy from the local wheel index, for
# tools/bench/torch_train.py, the PyTorch side of `./bitlab bench foundation train`. A comparison tool
# only: bitlab itself never uses PyTorch.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=build/torch-venv
if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c 'import torch, onnx, numpy' 2>/dev/null; then
  echo "$venv is ready"
  exit 0
fi
python3 -m venv "$venv"
PIP_DEFAULT_TIMEOUT=5 "$venv/bin/pip" install -q --retries 0 --disable-pip-version-check torch onnx numpy \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
"$venv/bin/python" -c 'import torch; print("torch", torch.__version__, "ready in build/torch-venv")'
