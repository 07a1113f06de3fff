"""Execute notebooks headless with the bitlab kernel (nbclient).

  run_notebooks.py [--check] [--kernel NAME] [--timeout S] NOTEBOOK...

Default: execute each notebook and save its outputs in place. The file is replaced whole (written
to a temporary file beside it, then renamed) and only if every cell ran; the first failing cell
stops everything, is printed with its error, and the exit status is 1. A symlinked notebook stays a
symlink (its target is replaced) and the file keeps its permissions.

Kernels' connection files (they hold the HMAC key) go to a private folder that is removed on exit,
SIGTERM and SIGINT included; if this process is killed outright, the kernel notices its parent is
gone, removes its connection file and exits (bitlab.kernel.ParentWatch).

--check: execute each notebook without saving, and require that no cell fails and that every cell
produces at least the rich output types (text/html, image/png, image/svg+xml) its committed
outputs have. Prints one line per notebook and 'notebooks: N passed, N failed'.

Both ways, the numbers quoted in Markdown cells are checked against the outputs of this execution
(prose_check.py: a quote tagged <!--from: LABEL--> must agree with the number after LABEL in its cell's
output). Saving keeps the new outputs even when a quote disagrees, so the prose can be fixed against them,
and the exit status is 1.
"""
import argparse
import os
import shutil
import signal
import stat
import sys
import tempfile
import time
import uuid

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

import prose_check

RICH = ("text/html", "image/png", "image/svg+xml")


def rich_types(cell):
    found = set()
    for out in cell.get("outputs", []):
        if out.get("output_type") in ("display_data", "execute_result"):
            found.update(t for t in out.get("data", {}) if t in RICH)
    return found


def execute(path, kernel, timeout):
    nb = nbformat.read(path, as_version=4)
    # jupyter_client would put the connection file (it holds the HMAC key) in the shared temporary
    # folder; it goes into this run's private one instead.
    km = KernelManager(kernel_name=kernel,
                       connection_file=os.path.join(os.environ["JUPYTER_RUNTIME_DIR"], "kernel-%s.json" % uuid.uuid4()))
    client = NotebookClient(
        nb,
        km=km,
        kernel_name=kernel,
        timeout=timeout,
        startup_timeout=180,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    try:
        client.execute()
    finally:
        if km.has_kernel:  # nbclient shuts down only kernels it made itself
            km.shutdown_kernel()
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": "bitlab (Java)", "language": "java"}
    return nb


def save(nb, path):
    # Through a symlink to its target: the link stays a link. The new file gets the old one's mode
    # (mkstemp makes 0600 files) before it is renamed over it.
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    mode = stat.S_IMODE(os.stat(target).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=".bitlab-", suffix=".ipynb", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def check(committed_path, nb):
    committed = nbformat.read(committed_path, as_version=4)
    problems = []
    old_cells = [c for c in committed.cells if c.cell_type == "code"]
    new_cells = [c for c in nb.cells if c.cell_type == "code"]
    for i, (old, new) in enumerate(zip(old_cells, new_cells), start=1):
        missing = rich_types(old) - rich_types(new)
        if missing:
            problems.append("code cell %d no longer shows %s" % (i, ", ".join(sorted(missing))))
        for out in new.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append("code cell %d failed: %s: %s" % (i, out.get("ename"), out.get("evalue")))
    return problems


def private_runtime_dir():
    """A folder only this user can read for the kernels' connection files, removed however this process ends short of SIGKILL."""
    runtime = tempfile.mkdtemp(prefix="bitlab-run-")
    os.environ["JUPYTER_RUNTIME_DIR"] = runtime

    def stop(signum, frame):
        raise SystemExit(128 + signum)  # unwinds: nbclient shuts its kernel down, the finally below removes the folder

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    return runtime


def main():
    runtime = private_runtime_dir()
    try:
        return run(sys.argv[1:])
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def run(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--kernel", default="bitlab")
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("BITLAB_CELL_TIMEOUT", "1800")),
                    help="seconds a single cell may take")
    ap.add_argument("--check", action="store_true", help="verify without saving")
    args = ap.parse_args(argv)

    passed = failed = 0
    for path in args.notebooks:
        if not os.path.isfile(path):
            print("bitlab: no notebook %s" % path, file=sys.stderr)
            failed += 1
            if not args.check:
                return 1
            continue
        start = time.time()
        try:
            nb = execute(path, args.kernel, args.timeout)
        except CellExecutionError as e:
            # nbclient's message holds the cell's source and the kernel's error, traceback included.
            print("FAIL %s: a cell raised an error\n%s" % (path, e), file=sys.stderr)
            failed += 1
            if not args.check:
                return 1
            continue
        except (CellTimeoutError, DeadKernelError, RuntimeError) as e:
            print("FAIL %s: %s: %s" % (path, type(e).__name__, e), file=sys.stderr)
            failed += 1
            if not args.check:
                return 1
            continue
        took = time.time() - start
        if args.check:
            problems = check(path, nb) + prose_check.check(nb, path)
        else:
            save(nb, path)
            problems = prose_check.check(nb, path)
        if problems:
            failed += 1
            print("FAIL %s (%.1f s)%s\n  %s" % (path, took, "" if args.check else ", outputs saved, but the prose disagrees with them:",
                                                 "\n  ".join(problems)))
        else:
            passed += 1
            print(("ok   %s (%.1f s)" if args.check else "ran  %s (%.1f s), outputs saved") % (path, took))
    if args.check:
        print("notebooks: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
