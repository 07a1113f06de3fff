#!/usr/bin/env bash
# Every bitlab test, run by `./bitlab test` after setup: Maven tests of the reactor, bounded fuzzing
# of the parsers of users' files (fuzz.sh, 20 s per target), every notebook under notebooks/ and
# tutorials/, the kernel's protocol conformance and robustness, and a real-browser check of
# JupyterLab. Ends with one line 'N passed, N failed' over all of them; exits 1 if anything failed.
# BITLAB_TEST_STAGES=maven,fuzz,notebooks,conformance,browser (the default: all) picks stages.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
VENV="$ROOT/.venv"
ARTIFACTS="$ROOT/build/test-artifacts"
mkdir -p "$ARTIFACTS"
passed=0
failed=0
summary=()

STAGES=",${BITLAB_TEST_STAGES:-maven,fuzz,notebooks,conformance,browser},"
want() { [[ "$STAGES" == *",$1,"* ]]; }

count() { # stage passed failed
  passed=$((passed + $2))
  failed=$((failed + $3))
  summary+=("$(printf '%-12s %4d passed, %d failed' "$1" "$2" "$3")")
}

if want maven; then
echo "== 1/5 Maven tests"
(cd "$ROOT" && find . -path '*/target/surefire-reports' -type d -prune -exec rm -rf {} +)
(cd "$ROOT" && mvn -B -Dstyle.color=never ${BITLAB_MAVEN_PROFILES:+-P"$BITLAB_MAVEN_PROFILES"} test -Dsurefire.printSummary=true 2>&1 | tee "$ARTIFACTS/maven.log" | grep -E '^\[(INFO|ERROR|WARNING)\] (Tests run|BUILD|Reactor Summary|bitlab|Failed|  )|FAIL|Tests in error' )
mvn_status=${PIPESTATUS[0]}
read -r mt mf < <(python3 - "$ROOT" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
t = f = 0
for p in glob.glob(sys.argv[1] + "/*/target/surefire-reports/TEST-*.xml"):
    r = ET.parse(p).getroot()
    n = int(r.get("tests", 0)); bad = int(r.get("failures", 0)) + int(r.get("errors", 0)); s = int(r.get("skipped", 0))
    t += n - bad - s; f += bad
print(t, f)
PY
)
if [[ $mvn_status -ne 0 && $mf -eq 0 ]]; then mf=1; fi  # a build failure counts even with no report
count maven "$mt" "$mf"
# the code's layout: one check, failed when a file differs from what `mvn spotless:apply` would make of it
if (cd "$ROOT" && mvn -B -q -Dstyle.color=never spotless:check >"$ARTIFACTS/format.log" 2>&1); then
  count format 1 0
else
  grep -E 'ERROR|violations|spotless:apply' "$ARTIFACTS/format.log" | head -20
  count format 0 1
fi
fi

if want fuzz; then
echo "== 2/5 fuzzing (Jazzer, ${BITLAB_FUZZ_SECONDS:-20} s per parser)"
# The fuzz targets are test classes: compiled by the Maven stage, or here when it is skipped.
want maven || (cd "$ROOT" && mvn -B -q -Dstyle.color=never test-compile >/dev/null 2>&1)
out="$(bash "$ROOT/kernel/src/test/sh/fuzz.sh" "${BITLAB_FUZZ_SECONDS:-20}" 2>&1)"
echo "$out"
fp=$(sed -nE 's/^fuzz: ([0-9]+) passed, ([0-9]+) failed.*/\1/p' <<<"$out")
ff=$(sed -nE 's/^fuzz: ([0-9]+) passed, ([0-9]+) failed.*/\2/p' <<<"$out")
count fuzz "${fp:-0}" "${ff:-1}"
fi

if want notebooks; then
echo "== 3/5 notebooks"
mapfile -t nbs < <(cd "$ROOT" && ls notebooks/*.ipynb tutorials/*.ipynb 2>/dev/null)
if ((${#nbs[@]})); then
  out="$(cd "$ROOT" && "$VENV/bin/python" kernel/src/main/python/run_notebooks.py --check "${nbs[@]}" 2>&1)"
  echo "$out"
  np=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\1/p' <<<"$out")
  nf=$(sed -nE 's/^notebooks: ([0-9]+) passed, ([0-9]+) failed$/\2/p' <<<"$out")
  count notebooks "${np:-0}" "${nf:-${#nbs[@]}}"
else
  count notebooks 0 0
fi
fi

if want conformance; then
echo "== 4/5 kernel conformance (jupyter_kernel_test), protocol robustness, the runner, lab state, the launcher, the prose checker"
out="$(cd "$ROOT/kernel/src/test/python" && JUPYTER_PATH="$VENV/share/jupyter" timeout 1200 /usr/bin/python3 -m unittest -v test_conformance test_protocol_robustness test_runner test_lab_state test_launcher test_prose_check 2>&1)"
echo "$out" | grep -E '(ok|FAIL|ERROR|skipped.*)$|^Ran|^OK|^FAILED|Error|assert' | head -80
ran=$(sed -nE 's/^Ran ([0-9]+) tests?.*/\1/p' <<<"$out")
bad=$(grep -cE '^(FAIL|ERROR):' <<<"$out")
skipped=$(sed -nE 's/.*skipped=([0-9]+).*/\1/p' <<<"$out" | tail -1)
if [[ -z "$ran" || "$ran" -eq 0 ]]; then
  count conformance 0 $((bad > 0 ? bad : 1))
else
  count conformance $((ran - bad - ${skipped:-0})) "$bad"
fi
fi

if want browser; then
echo "== 5/5 JupyterLab in a real browser"
if bash "$ROOT/kernel/src/test/browser/run.sh" "$ARTIFACTS"; then count browser 1 0; else count browser 0 1; fi
fi

echo "== summary"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
