"""What the Spark sweep support costs a JVM that does not use it: the CLI and the kernel started with and without
the launcher's Spark flags (SPARK_OPENS and -Dbitlab.cluster.classpath), in alternating rounds.

Usage, after ./bitlab setup, from the project root:  .venv/bin/python tools/bench/startup.py [ROUNDS]

Prints, per configuration, the median wall time of `models --json` (a whole CLI run) and of a kernel's start until
it answers kernel_info, and the ratio with over without. Spark itself is never loaded by either: the cluster
module's class path is only read when a sweep names a Spark master.
"""
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
BASE = ["java", "-Xmx6g", "-Djava.awt.headless=true", "--add-modules", "jdk.incubator.vector"]


def spark_flags():
    """The launcher's SPARK_OPENS array, read from the launcher itself so the two cannot drift."""
    text = (ROOT / "bitlab").read_text()
    start = text.index("SPARK_OPENS=(")
    end = text.index(")\n", start) + 1
    out = subprocess.run(["bash", "-c", text[start:end] + '\nprintf "%s\\n" "${SPARK_OPENS[@]}"'],
                         capture_output=True, text=True, check=True).stdout
    return out.split() + ["-Dbitlab.cluster.classpath=" + str(BUILD / "cluster.classpath")]


def cli(extra):
    cp = (BUILD / "dsl.classpath").read_text().strip()
    t = time.perf_counter()
    subprocess.run(BASE + extra + ["-cp", cp, "bitlab.dsl.cli.Main", "models", "--json"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def kernel(extra):
    cp = (BUILD / "kernel.classpath").read_text().strip()
    with tempfile.TemporaryDirectory() as d:
        conn = os.path.join(d, "kernel.json")
        write_connection_file(conn, ip="127.0.0.1")
        t = time.perf_counter()
        p = subprocess.Popen(BASE + ["-XX:+UseG1GC"] + extra + ["--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED",
                             "-cp", cp, "bitlab.kernel.Main", conn], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = BlockingKernelClient(connection_file=conn)
        client.load_connection_file()
        client.start_channels(hb=False)
        try:
            # kernel_info sent before the kernel listens waits in ZeroMQ's queue; the reply comes once it is up
            # (wait_for_ready would judge the kernel dead before its heartbeat starts)
            msg_id = client.kernel_info()
            while client.get_shell_msg(timeout=120)["parent_header"].get("msg_id") != msg_id:
                pass
            return time.perf_counter() - t
        finally:
            client.shutdown()
            client.stop_channels()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    flags = {"without": [], "with Spark flags": spark_flags()}
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start; {rounds} alternating rounds")
    times = {(what, name): [] for what in ("cli", "kernel") for name in flags}
    for what, run in (("cli", cli), ("kernel", kernel)):
        run([])  # warm the file cache
        for _ in range(rounds):
            for name, extra in flags.items():
                times[(what, name)].append(run(extra))
    print("start-up                  without   with Spark flags   with over without")
    for what, label in (("cli", "CLI `models --json`"), ("kernel", "kernel to kernel_info")):
        a = statistics.median(times[(what, "without")])
        b = statistics.median(times[(what, "with Spark flags")])
        print(f"{label:24s} {a:7.3f} s   {b:12.3f} s   {b / a:10.3f}x")


if __name__ == "__main__":
    main()
