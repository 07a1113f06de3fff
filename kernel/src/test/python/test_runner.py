"""./bitlab run (run_notebooks.py) and process death, files kept intact.

Run by ./bitlab test beside the conformance suite (standard library only; the runner itself runs
with the project's .venv):  /usr/bin/python3 -m unittest -v test_runner
"""
import json
import os
import signal
import stat
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
RUNNER = os.path.join(ROOT, "kernel", "src", "main", "python", "run_notebooks.py")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")


def notebook(cells):
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": "c%d" % i, "metadata": {}, "outputs": [],
                       "source": src} for i, src in enumerate(cells)],
            "metadata": {"kernelspec": {"name": "bitlab", "display_name": "bitlab (Java)", "language": "java"}},
            "nbformat": 4, "nbformat_minor": 5}


def children(pid):
    """Pids whose parent is pid (from /proc)."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(p))
        except OSError:
            continue
    return out


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class RunnerTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bitlab-runner-test-")

    def write(self, name, cells):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            json.dump(notebook(cells), f)
        return path

    def test_saving_keeps_the_mode_and_the_symlink(self):
        target = self.write("real.ipynb", ["6 * 7"])
        os.chmod(target, 0o644)
        link = os.path.join(self.dir, "link.ipynb")
        os.symlink("real.ipynb", link)
        r = subprocess.run([PYTHON, RUNNER, link], capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.islink(link), "the notebook is still a symlink")
        self.assertEqual(os.readlink(link), "real.ipynb")
        self.assertEqual(stat.S_IMODE(os.stat(target).st_mode), 0o644)
        with open(target) as f:
            saved = json.load(f)
        text = saved["cells"][0]["outputs"][0]["data"]["text/plain"]
        self.assertEqual("".join(text) if isinstance(text, list) else text, "42")
        self.assertEqual([n for n in os.listdir(self.dir) if n.startswith(".bitlab-")], [], "no temporary file left")

    def test_a_quote_that_disagrees_with_the_new_outputs_fails_the_check(self):
        nb = notebook(['System.out.println("answer " + (6 * 7))'])
        nb["cells"].append({"cell_type": "markdown", "id": "m1", "metadata": {},
                            "source": "The answer is 41<!--from: answer-->."})
        path = os.path.join(self.dir, "prose.ipynb")
        with open(path, "w") as f:
            json.dump(nb, f)
        r = subprocess.run([PYTHON, RUNNER, "--check", path], capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("quotes 41 for the first number after 'answer' in cell 0's output, which shows 42", r.stdout)
        r = subprocess.run([PYTHON, RUNNER, path], capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 1, "saving runs the checker too")
        self.assertIn("outputs saved, but the prose disagrees", r.stdout)

    def test_killing_the_runner_ends_its_kernel_and_removes_the_connection_file(self):
        nb = self.write("slow.ipynb", ["Thread.sleep(600_000);"])
        runner = subprocess.Popen([PYTHON, RUNNER, nb], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: runner.poll() is None and runner.kill())
        kernel = connection = None
        deadline = time.time() + 300
        while time.time() < deadline and kernel is None:
            for c in children(runner.pid):
                args = cmdline(c)
                if b"bitlab.kernel.Main" in args:
                    kernel, connection = c, args[-2 if args[-1] == b"" else -1].decode()
            time.sleep(0.5)
        self.assertIsNotNone(kernel, "the runner started a kernel")
        self.assertTrue(os.path.exists(connection))
        self.assertEqual(os.stat(os.path.dirname(connection)).st_mode & 0o777, 0o700, "a private folder")
        time.sleep(3)  # the cell is running
        runner.send_signal(signal.SIGKILL)
        runner.wait()
        for _ in range(60):
            if not alive(kernel):
                break
            time.sleep(0.5)
        self.assertFalse(alive(kernel), "the kernel ended with its runner")
        self.assertFalse(os.path.exists(connection), "the connection file (it holds the HMAC key) is gone")


if __name__ == "__main__":
    unittest.main()
