#!/usr/bin/env bash
# Real-browser check: JupyterLab started by ./bitlab lab, driven in headless Chromium by
# Playwright (playwright-core from npm, Debian's chromium). Leaves lab.png and lab.log in ARTIFACTS.
#   run.sh ARTIFACTS_DIR
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../../.." && pwd)"
ARTIFACTS="${1:-$ROOT/build/test-artifacts}"
WORK="$ROOT/build/browser"
mkdir -p "$ARTIFACTS" "$WORK"

command -v node >/dev/null || { echo "browser check: node is not installed"; exit 1; }
[[ -x /usr/bin/chromium || -n "${CHROMIUM:-}" ]] || { echo "browser check: chromium is not installed"; exit 1; }
cp "$HERE/package.json" "$HERE/lab.mjs" "$WORK/"
if [[ ! -d "$WORK/node_modules/playwright-core" ]]; then
  (cd "$WORK" && npm install --no-audit --no-fund --no-package-lock --silent >/dev/null 2>&1) || { echo "browser check: npm could not install playwright-core"; exit 1; }
fi

# The notebook the browser runs: one cell that shows a bit table (HTML) and a chart (image).
"$ROOT/.venv/bin/python" - "$WORK/check.ipynb" <<'PY'
import sys, nbformat
nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "bitlab", "display_name": "bitlab (Java)", "language": "java"}
nb.cells.append(nbformat.v4.new_code_cell(
    'var bits = Table.create("bits per layer", StringColumn.create("layer", "conv1", "conv2", "fc1"),\n'
    '    IntColumn.create("weights", new int[]{8, 4, 4}), IntColumn.create("activations", new int[]{8, 8, 6}));\n'
    'var chart = new CategoryChartBuilder().width(480).height(280).title("weight bits per layer").build();\n'
    'chart.addSeries("weights", List.of("conv1", "conv2", "fc1"), List.of(8, 4, 4));\n'
    'display(bits);\n'
    'chart'))
nbformat.write(nb, sys.argv[1])
PY

# A fresh JupyterLab state for every check: no tab restored from an earlier session (the user's or a
# previous check's) covers the page, and nothing the check opens shows up in the user's lab.
state="$WORK/lab-state"
rm -rf "$state"
mkdir -p "$state"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
token="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
BITLAB_LAB_STATE="$state" "$ROOT/bitlab" lab --no-browser --port="$port" --IdentityProvider.token="$token" \
  --ServerApp.open_browser=False >"$ARTIFACTS/lab.log" 2>&1 &
lab=$!
stop_lab() {
  kill -TERM "$lab" 2>/dev/null
  for _ in $(seq 1 40); do kill -0 "$lab" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL "$lab" 2>/dev/null
}
trap stop_lab EXIT

up=0
for _ in $(seq 1 120); do
  if curl -fsS -H "Authorization: token $token" "http://127.0.0.1:$port/api/status" >/dev/null 2>&1; then up=1; break; fi
  kill -0 "$lab" 2>/dev/null || break
  sleep 1
done
if [[ $up -ne 1 ]]; then
  echo "browser check: JupyterLab did not start (see $ARTIFACTS/lab.log)"
  exit 1
fi
rel="${WORK#"$ROOT"/}/check.ipynb"
(cd "$WORK" && timeout 420 node lab.mjs "http://127.0.0.1:$port" "$token" "$rel" "$ARTIFACTS/lab.png")
status=$?
[[ $status -eq 0 ]] && echo "browser check: table and chart shown; screenshot $ARTIFACTS/lab.png"
exit $status
