"""The bitlab kernel under hostile and careless clients: it keeps serving.

Run by ./bitlab test beside the conformance suite:
  JUPYTER_PATH=.venv/share/jupyter /usr/bin/python3 -m unittest -v test_protocol_robustness
Each test sends something wrong on a real socket (raw zmq frames, wrong keys, unknown types, a
client that vanishes mid-cell, two clients at once) and then checks that a well-behaved client
still gets its answer from the same kernel process.
"""
import json
import os
import time
import unittest
import uuid

import zmq
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

TIMEOUT = 60


class ProtocolRobustnessTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="bitlab", startup_timeout=TIMEOUT)
        cls.info = cls.km.get_connection_info(session=False)
        cls.pid = cls.km.provisioner.process.pid
        cls.ctx = zmq.Context()

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)
        cls.ctx.term()

    # ---------------------------------------------------------------- helpers

    def raw(self, channel):
        """A DEALER socket on the kernel's shell or control port, as any local process could open."""
        s = self.ctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect("%s://%s:%d" % (self.info["transport"], self.info["ip"], self.info[channel + "_port"]))
        self.addCleanup(s.close)
        return s

    def session(self, key=None):
        k = self.info["key"] if key is None else key
        return Session(key=k if isinstance(k, bytes) else k.encode(), signature_scheme=self.info["signature_scheme"])

    def execute_ok(self, code="40 + 2", expect="42"):
        """The well-behaved client: runs code and checks the reply and result (the kernel still serves)."""
        msg_id = self.kc.execute(code)
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        if expect is not None:
            result = None
            while True:
                m = self.kc.get_iopub_msg(timeout=TIMEOUT)
                if m["parent_header"].get("msg_id") != msg_id:
                    continue
                if m["msg_type"] == "execute_result":
                    result = m["content"]["data"]["text/plain"]
                if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    break
            self.assertEqual(result, expect)
        self.assertTrue(self.km.is_alive())
        self.assertEqual(self.km.provisioner.process.pid, self.pid, "the kernel process was replaced")

    def signed(self, msg_type, content, key=None, header_extra=None):
        """Frames of a message signed with `key` (the connection's key by default)."""
        s = self.session(key)
        msg = s.msg(msg_type, content)
        if header_extra:
            msg["header"].update(header_extra)
        return s.serialize(msg), msg["header"]["msg_id"]

    def frames(self, *parts):
        return [p if isinstance(p, bytes) else p.encode() for p in parts]

    def settle(self):
        time.sleep(0.3)

    # ---------------------------------------------------------------- the faults

    def test_wrong_signatures_are_dropped_and_the_shell_keeps_serving(self):
        for channel in ("shell", "control"):
            s = self.raw(channel)
            frames, _ = self.signed("execute_request", {"code": "System.exit(3)", "silent": False}, key=b"not the key")
            s.send_multipart(frames)
            frames, _ = self.signed("execute_request", {"code": "1", "silent": False}, key=b"")
            frames[1] = b""  # no signature at all
            s.send_multipart(frames)
        self.settle()
        self.execute_ok()

    def test_garbage_frames_are_dropped(self):
        garbage = [
            [b"x"],
            [b"<IDS|MSG>"],
            [b"<IDS|MSG>", b"sig", b"{}"],
            [os.urandom(4096) for _ in range(3)],
            [b"<IDS|MSG>"] + [os.urandom(64) for _ in range(5)],
            [b"\xff\xfe\x00" * 1000],
            [b"z" * (4 << 20)],  # 4 MB in one frame
        ]
        for channel in ("shell", "control"):
            s = self.raw(channel)
            for g in garbage:
                s.send_multipart(g)
        self.settle()
        self.execute_ok()

    def test_signed_but_broken_json_is_dropped(self):
        s = self.raw("shell")
        sess = self.session()
        header = json.dumps({"msg_id": "m1", "username": "u", "session": "s", "msg_type": "execute_request",
                             "version": "5.3", "date": "2024-01-01T00:00:00Z"}).encode()
        for parts in ([b"{not json", b"{}", b"{}", b"{}"],
                      [header, b"{}", b"{}", b"{\"code\": "],
                      [header, b"[]", b"{}", b"null"],
                      [b"[]", b"{}", b"{}", b"{}"],
                      [json.dumps({"msg_type": "execute_request"}).encode(), b"{}", b"{}", b"{}"],
                      [header, b"{}", b"\"metadata\"", b"{}"]):
            s.send_multipart([b"<IDS|MSG>", sess.sign(parts)] + parts)
        self.settle()
        self.execute_ok()

    def test_wrongly_typed_content_does_not_break_the_shell(self):
        s = self.raw("shell")
        for content in ({}, {"code": 42}, {"code": None}, {"code": ["a"]}, {"silent": "yes", "code": "1"}):
            frames, _ = self.signed("execute_request", content)
            s.send_multipart(frames)
        frames, _ = self.signed("complete_request", {"code": None, "cursor_pos": -5})
        s.send_multipart(frames)
        frames, _ = self.signed("inspect_request", {"code": "Math.max", "cursor_pos": 10 ** 9})
        s.send_multipart(frames)
        frames, _ = self.signed("history_request", {"hist_access_type": "nonsense"})
        s.send_multipart(frames)
        self.settle()
        self.execute_ok()

    def test_unknown_message_types_are_ignored(self):
        s = self.raw("shell")
        for t in ("frobnicate_request", "", "execute_reply", "status"):
            frames, _ = self.signed(t or "x", {"anything": 1}, header_extra={"msg_type": t})
            s.send_multipart(frames)
        c = self.raw("control")
        frames, _ = self.signed("debug_request", {"command": "initialize"})
        c.send_multipart(frames)
        self.settle()
        self.execute_ok()

    def test_a_client_vanishing_mid_cell(self):
        s = self.raw("shell")
        frames, msg_id = self.signed("execute_request", {"code": "Thread.sleep(1500); 7", "silent": False,
                                                         "store_history": True, "user_expressions": {},
                                                         "allow_stdin": False, "stop_on_error": True})
        s.send_multipart(frames)
        time.sleep(0.3)
        s.close()  # gone before its reply: the kernel's reply goes nowhere and it carries on
        self.execute_ok("6 * 7", "42")

    def test_two_clients_at_once(self):
        # A client of its own (its own session id, so its own socket identity), as a second frontend would be.
        other = BlockingKernelClient()
        other.load_connection_info(self.km.get_connection_info())
        other.start_channels()
        self.addCleanup(other.stop_channels)
        other.wait_for_ready(timeout=TIMEOUT)
        a = self.kc.execute("Thread.sleep(500); \"first\"")
        b = other.execute("\"second\"")
        replies = {}
        for client, msg_id in ((self.kc, a), (other, b)):
            while msg_id not in replies:
                r = client.get_shell_msg(timeout=TIMEOUT)
                replies[r["parent_header"]["msg_id"]] = r
        self.assertEqual(replies[a]["content"]["status"], "ok")
        self.assertEqual(replies[b]["content"]["status"], "ok")
        self.assertNotIn(b, [r["parent_header"]["msg_id"] for r in [replies[a]]])
        self.execute_ok()

    def test_interrupt_still_works_after_control_garbage(self):
        c = self.raw("control")
        c.send_multipart([b"garbage"])
        frames, _ = self.signed("interrupt_request", {}, key=b"wrong")
        c.send_multipart(frames)
        self.settle()
        msg_id = self.kc.execute("long n = 0; while (true) { n++; }")
        time.sleep(1)
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.execute_ok()

    # ---------------------------------------------------------------- careless cells

    def reply_to(self, msg_id):
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        return reply["content"]

    def test_system_exit_in_a_cell_is_refused(self):
        self.execute_ok("int survivor = 41;", None)
        reply = self.reply_to(self.kc.execute("System.exit(0);"))
        self.assertEqual(reply["ename"], "ExitRefusedException")
        self.assertTrue(reply["evalue"].startswith("System.exit(0) was refused: it would end the kernel"), reply["evalue"])
        self.execute_ok("survivor + 1", "42")

    def test_a_cell_catching_throwable_around_a_loop_is_stopped(self):
        msg_id = self.kc.execute('long k = 0;\nwhile (true) {\n  try { System.out.println("spinning"); while (true) { k++; } }'
                                 ' catch (Throwable t) { }\n}')
        while True:  # interrupt once the loop runs (an interrupt during compilation ends the cell before it runs)
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream":
                break
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id)
        self.assertEqual(reply["ename"], "Interrupted")
        self.assertEqual(reply["evalue"], "The cell was stopped: it did not reach a cancellation checkpoint, so it was stopped hard.")
        self.execute_ok()

    def test_a_cell_out_of_memory_or_stack_fails_alone(self):
        self.execute_ok("int kept = 20;", None)
        reply = self.reply_to(self.kc.execute("long[] huge = new long[2_000_000_000];"))
        self.assertEqual(reply["ename"], "OutOfMemoryError", reply)
        self.execute_ok("int deeper(int x) { return deeper(x + 1) + 1; }", None)
        reply = self.reply_to(self.kc.execute("deeper(0)"))
        self.assertEqual(reply["ename"], "StackOverflowError", reply)
        self.execute_ok("kept + 22", "42")


if __name__ == "__main__":
    unittest.main()
