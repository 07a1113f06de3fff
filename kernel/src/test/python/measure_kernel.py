"""Kernel figures through the real protocol (jupyter_client from Debian's python3-jupyter-client):

  1. cold start: from launching the kernel process to the first cell's result (`1 + 1`);
  2. per-cell overhead: round trip (execute_request sent -> idle) of a trivial cell, median of N;
  3. memory: heap used after GC before and after re-running a model-building cell 200 times.

  JUPYTER_PATH=.venv/share/jupyter /usr/bin/python3 kernel/src/test/python/measure_kernel.py \
      [--cell 'var net = zoo("resnet18"); net'] [--reruns 200] [--trivial 200]
"""
import argparse
import statistics
import time

from jupyter_client.manager import KernelManager

HEAP = ('java.lang.management.ManagementFactory.getMemoryMXBean().gc(); Thread.sleep(200); '
        'java.lang.management.ManagementFactory.getMemoryMXBean().gc(); '
        'java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0')


def run(kc, code, timeout=600):
    msg_id = kc.execute(code)
    result = None
    error = None
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t = msg["msg_type"]
        if t == "execute_result":
            result = msg["content"]["data"].get("text/plain")
        elif t == "error":
            error = "%s: %s" % (msg["content"]["ename"], msg["content"]["evalue"])
        elif t == "status" and msg["content"]["execution_state"] == "idle":
            break
    kc.get_shell_msg(timeout=timeout)
    if error:
        raise RuntimeError("cell failed: %s\n%s" % (code, error))
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cell", default='var net = zoo("resnet18"); net')
    ap.add_argument("--reruns", type=int, default=200)
    ap.add_argument("--trivial", type=int, default=200)
    args = ap.parse_args()

    t0 = time.perf_counter()
    km = KernelManager(kernel_name="bitlab")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=180)
    ready = time.perf_counter() - t0
    first = run(kc, "1 + 1")
    cold = time.perf_counter() - t0
    assert first == "2", first
    print("cold start: kernel ready %.2f s, first cell result %.2f s" % (ready, cold))

    times = []
    for _ in range(args.trivial):
        s = time.perf_counter()
        run(kc, "1")
        times.append((time.perf_counter() - s) * 1000)
    print("trivial cell round trip over %d cells: median %.1f ms, p90 %.1f ms, min %.1f ms"
          % (len(times), statistics.median(times), sorted(times)[int(len(times) * 0.9)], min(times)))

    run(kc, args.cell)
    before = float(run(kc, HEAP))
    s = time.perf_counter()
    for _ in range(args.reruns):
        run(kc, args.cell)
    took = time.perf_counter() - s
    after = float(run(kc, HEAP))
    print("heap after GC: %.1f MB after one run of the cell, %.1f MB after %d more (growth %.1f MB; %.2f s per run)"
          % (before, after, args.reruns, after - before, took / args.reruns))
    print("cell: %s" % args.cell)
    kc.stop_channels()
    km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
