#!/usr/bin/env bash
# Bounded coverage-guided fuzzing (Jazzer) of the parsers that read users' files: ONNX import,
# target YAML, ILP JSON, policy JSON and notebook magics. Each @FuzzTest runs SECONDS (default 20)
# from its stored inputs (src/test/resources/.../<Class>Inputs/<method>/) plus what earlier runs on
# this machine found (build/fuzz/corpus/). A finding is saved under build/test-artifacts/fuzz/ and
# fails the run; to keep it as a regression test, copy it into the test's Inputs folder (mvn test
# replays those) and fix the cause.
#   fuzz.sh [SECONDS]        prints one line per target and 'fuzz: N passed, N failed'
#   BITLAB_FUZZ_ONLY=Onnx    only the targets whose class name contains this
#   BITLAB_FUZZ_ARGS=...     more Jazzer/libFuzzer flags, e.g. --keep_going=50 to go on past findings
# Needs the Maven test classes (./bitlab test's Maven stage builds them; else: mvn test-compile).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
SECONDS_EACH="${1:-20}"
WORK="$ROOT/build/fuzz"
ARTIFACTS="$ROOT/build/test-artifacts/fuzz"
mkdir -p "$WORK" "$ARTIFACTS"

TARGETS=(
  "hardware bitlab.hardware.catalogue.TargetYamlFuzzTest yaml"
  "engine bitlab.onnx.OnnxImportFuzzTest onnx"
  "engine bitlab.search.hawq.IlpJsonFuzzTest json"
  "engine bitlab.quant.PolicyJsonFuzzTest json"
  "kernel bitlab.kernel.magic.MagicsFuzzTest cell"
)

# The kernel module's test class path sees every parser; bitlab's own modules come from this tree.
if ! (cd "$ROOT" && mvn -B -q -Dstyle.color=never -pl kernel -am dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/deps.cp" >"$WORK/maven.log" 2>&1); then
  cat "$WORK/maven.log"
  echo "fuzz: could not resolve the test class path"
  exit 1
fi
cp=""
for m in kernel dsl engine hardware; do cp="$cp$ROOT/$m/target/test-classes:$ROOT/$m/target/classes:"; done
cp="$cp$(tr ':' '\n' <"$WORK/deps.cp" | grep -v '/dev/bitlab/' | paste -sd: -)"

passed=0
failed=0
total=0
for t in "${TARGETS[@]}"; do
  read -r module class method <<<"$t"
  short="${class##*.}.$method"
  [[ "$short" == *"${BITLAB_FUZZ_ONLY:-}"* ]] || continue
  seeds="$ROOT/$module/src/test/resources/$(tr . / <<<"$class")Inputs/$method"
  corpus="$WORK/corpus/$short"
  mkdir -p "$corpus"
  log="$ARTIFACTS/$short.log"
  # -timeout: one input taking 10 s is a finding (a hang); -rss_limit_mb: so is memory past 2.5 GB.
  JAZZER_FUZZ=1 timeout $((SECONDS_EACH + 120)) java -Xmx2g -Djava.awt.headless=true --add-modules jdk.incubator.vector \
    -cp "$cp" com.code_intelligence.jazzer.Jazzer --target_class="$class" --target_method="$method" --hooks=true \
    --reproducer_path="$ARTIFACTS" -artifact_prefix="$ARTIFACTS/$short-" -max_total_time="$SECONDS_EACH" \
    -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 ${BITLAB_FUZZ_ARGS:-} "$corpus" "$seeds" >"$log" 2>&1
  status=$?
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
  findings=$(grep -cE '^== Java Exception|ERROR: libFuzzer' "$log")
  total=$((total + ${runs:-0}))
  if [[ $status -eq 0 && $findings -eq 0 ]]; then
    passed=$((passed + 1))
    echo "ok   $short: ${runs:-?} inputs in ${SECONDS_EACH} s, no finding"
  else
    failed=$((failed + 1))
    echo "FAIL $short: status $status, $findings findings in ${runs:-?} inputs; see $log"
    grep -A12 '^== Java Exception' "$log" | grep -E '^== Java Exception|^\s+at bitlab' | awk '!seen[$0]++' | head -12 | sed 's/^/     /'
  fi
done
echo "fuzz: $passed passed, $failed failed ($total inputs in all)"
[[ $failed -eq 0 ]]
