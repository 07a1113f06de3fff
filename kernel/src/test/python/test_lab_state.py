"""./bitlab lab keeps JupyterLab's workspaces and settings to itself.

Run by ./bitlab test beside the conformance suite (standard library only):
  /usr/bin/python3 -m unittest -v test_lab_state
A workspace saved by one lab (say the browser check's) must not be restored by another (the
user's), and neither may write into ~/.jupyter/lab.
"""
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
HOME_WORKSPACES = os.path.expanduser("~/.jupyter/lab/workspaces")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listing(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


class Lab:
    """A ./bitlab lab on a free port with its state in `state`."""

    def __init__(self, state):
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = dict(os.environ, BITLAB_LAB_STATE=state)
        self.proc = subprocess.Popen([os.path.join(ROOT, "bitlab"), "lab", "--no-browser", "--port=%d" % self.port,
                                      "--IdentityProvider.token=" + self.token], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 240
        while time.time() < deadline:
            try:
                self.call("GET", "/api/status")
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("JupyterLab exited with status %s" % self.proc.returncode)
                time.sleep(1)
        raise RuntimeError("JupyterLab did not start within 240 s")

    def call(self, method, path, body=None):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "token " + self.token, "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class LabStateTests(unittest.TestCase):
    def test_a_workspace_saved_by_one_lab_is_not_restored_by_another(self):
        home_before = listing(HOME_WORKSPACES)
        a, b = tempfile.mkdtemp(prefix="bitlab-lab-a-"), tempfile.mkdtemp(prefix="bitlab-lab-b-")
        self.addCleanup(shutil.rmtree, a, True)
        self.addCleanup(shutil.rmtree, b, True)
        workspace = {"data": {"layout-restorer:data": {"main": {"dock": {"type": "tab-area", "currentIndex": 0,
                                                                          "widgets": ["notebook:left-open.ipynb"]}}}},
                     "metadata": {"id": "default"}}
        lab = Lab(a)
        try:
            lab.call("PUT", "/lab/api/workspaces/default", workspace)
        finally:
            lab.stop()
        self.assertTrue(listing(os.path.join(a, "workspaces")), "the first lab saved its workspace in its own folder")
        lab = Lab(b)
        try:
            seen = lab.call("GET", "/lab/api/workspaces/default")
        finally:
            lab.stop()
        self.assertNotIn("layout-restorer:data", seen.get("data", {}), "the second lab does not restore the first one's tabs")
        self.assertEqual(listing(HOME_WORKSPACES), home_before, "nothing was written to ~/.jupyter/lab/workspaces")


if __name__ == "__main__":
    unittest.main()
