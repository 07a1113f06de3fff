#!/usr/bin/env bash
# Runs a bench with another build of libnd4j on the class path: nd4j-native's linux-x86_64-onednn
# (libnd4j with oneDNN helpers) or linux-x86_64-avx512 classifier in place of the plain linux-x86_64 one.
# Maven fetches the jar (about 100 MB) the first time. Measures what those builds do to libnd4j's own ops;
# bitlab's float engine calls oneDNN itself and does not depend on them.
#   tools/bench/nd4j-classifier.sh onednn float-options
#   tools/bench/nd4j-classifier.sh avx512 foundation inference --samediff lenet5 resnet-mini
set -euo pipefail
cd "$(dirname "$0")/../.."
flavour="${1:?usage: tools/bench/nd4j-classifier.sh onednn|avx512|avx2 BENCH [ARGS]}"
shift
case "$flavour" in onednn|avx512|avx2) ;; *) echo "flavour must be onednn, avx512 or avx2" >&2; exit 2 ;; esac
./bitlab setup >/dev/null
mvn -q -B dependency:get -Dartifact="org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64-$flavour" -Dtransitive=false >/dev/null
repo="$(mvn -q -B help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || echo "$HOME/.m2/repository")"
jar="$repo/org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1-linux-x86_64-$flavour.jar"
[[ -f "$jar" ]] || { echo "could not fetch $jar" >&2; exit 1; }
cp="$(sed -E "s#[^:]*nd4j-native-1\.0\.0-M2\.1-linux-x86_64\.jar#$jar#" build/dsl-test.classpath)"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
# shellcheck disable=SC2086
exec java ${BITLAB_JAVA_OPTS:--Xmx6g} -Djava.awt.headless=true --add-modules jdk.incubator.vector -cp "$cp" bitlab.bench.BenchMain "$@"
