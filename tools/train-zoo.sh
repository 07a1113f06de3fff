#!/usr/bin/env bash
# Trains the MNIST-scale zoo models and writes the weights that ship in the engine jar.
# They train on mnist()'s 6,400-image training part only: its 1,600 validation images (what searches rank
# policies on) and its 2,000 test images are never seen. Each weight file records its command line
# (metadata "command"), the data set's parts ("trained_on") and the normalisation ("bitlab.preprocessing").
#   tools/train-zoo.sh [all|NAME] [OUT_DIR]   (OUT_DIR: somewhere else than the shipped weights, to check a retrain)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${2:-engine/src/main/resources/bitlab/zoo}"
mkdir -p "$out"
train() { ./bitlab train "$@" --out "$out/$1.params.gz"; }
what="${1:-all}"
case "$what" in
  all|lenet5|resnet-mini|mobilenet-v1-mini|mobilenet-v2-mini) ;;
  *) echo "usage: tools/train-zoo.sh [all|lenet5|resnet-mini|mobilenet-v1-mini|mobilenet-v2-mini] [OUT_DIR]" >&2; exit 2 ;;
esac
want() { [[ "$what" == all || "$what" == "$1" ]]; }
if want lenet5;            then train lenet5 --epochs 15 --optimizer adam --lr 0.002 --weight-decay 0.0001 --shift 2 --seed 1; fi
if want resnet-mini;       then train resnet-mini --epochs 8 --optimizer adam --lr 0.003 --seed 1; fi
if want mobilenet-v1-mini; then train mobilenet-v1-mini --epochs 10 --optimizer adam --lr 0.003 --weight-decay 0.0001 --shift 1 --seed 1; fi
if want mobilenet-v2-mini; then train mobilenet-v2-mini --epochs 6 --optimizer adam --lr 0.003 --weight-decay 0.0001 --shift 1 --seed 1; fi
