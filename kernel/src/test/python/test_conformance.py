"""Jupyter protocol conformance of the bitlab kernel, with the jupyter_kernel_test suite.

Run by ./bitlab test as:  JUPYTER_PATH=.venv/share/jupyter /usr/bin/python3 -m unittest -v test_conformance
(jupyter_kernel_test comes from Debian's python3-jupyter-kernel-test).
"""
import time
import unittest

import jupyter_kernel_test


class BitlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "bitlab"
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    completion_samples = [
        {"text": "System.currentTimeMil", "matches": {"currentTimeMillis()"}},
        {"text": "%var", "matches": {"%vars"}},
        {"text": "%%ha", "matches": {"%%hardware"}},
    ]

    complete_code_samples = ["1 + 1", "int x = 1;", "%vars", "for (int i = 0; i < 3; i++) { }"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "int f(int x) {", "String s = \"a\" +"]
    invalid_code_samples = ["1 +* ;", "}}"]

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"bit" + "lab"', "result": "bitlab"},
        {"code": 'Table.create("t", IntColumn.create("bits", new int[]{2, 4, 8}))', "mime": "text/html"},
        {"code": 'var chart = new CategoryChartBuilder().width(300).height(200).build(); '
                 'chart.addSeries("bits", new int[]{1, 2, 3}, new int[]{8, 4, 2}); chart', "mime": "image/png"},
    ]

    code_display_data = [
        {"code": 'display(Table.create("t", IntColumn.create("bits", new int[]{2, 4, 8})))', "mime": "text/html"},
        {"code": 'var c2 = new XYChartBuilder().width(300).height(200).build(); '
                 'c2.addSeries("loss", new double[]{1, 2, 3}, new double[]{3, 2, 1}); display(c2)', "mime": "image/png"},
    ]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 ?*"

    code_inspect_sample = "Math.max"

    code_clear_output = 'System.out.println("before"); clearOutput();'

    # Beyond the suite: bitlab's own protocol behaviour.

    def test_interrupt_stops_a_busy_cell_and_the_kernel_lives_on(self):
        self.flush_channels()
        self.kc.execute("long spins = 0;\nwhile (true) { spins++; }")
        time.sleep(2)
        self.km.interrupt_kernel()
        reply = self.get_non_kernel_info_reply(timeout=60)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.flush_channels()
        reply, outputs = self.execute_helper("40 + 2")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"], ["42"])

    def test_progress_is_one_display_updated_in_place(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(
            'for (int i = 1; i <= 30; i++) { bitlab.task.Work.progress("step " + i + "/30"); Thread.sleep(20); }')
        self.assertEqual(reply["content"]["status"], "ok")
        shown = [m for m in outputs if m["msg_type"] == "display_data"]
        updates = [m for m in outputs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shown), 1)
        display_id = shown[0]["content"]["transient"]["display_id"]
        self.assertTrue(updates)
        self.assertTrue(all(u["content"]["transient"]["display_id"] == display_id for u in updates))
        self.assertEqual(updates[-1]["content"]["data"]["text/plain"], "step 30/30")
        self.assertLess(len(updates), 30)

    def test_errors_name_the_users_exception_not_a_wrapper(self):
        self.flush_channels()
        reply, outputs = self.execute_helper('Integer.parseInt("four")')
        self.assertEqual(reply["content"]["ename"], "NumberFormatException")
        self.assertIn('For input string: "four"', reply["content"]["evalue"])
        self.assertIn("at cell line 1", "\n".join(outputs[0]["content"]["traceback"]))


if __name__ == "__main__":
    unittest.main()
