"""Jupyter protocol conformance of the bitlab kernel, with the jupyter_kernel_test suite.

Run by ./bitlab test as:  JUPYTER_PATH=.venv/share/jupyter /usr/bin/python3 -m unittest -v test_conformance
(jupyter_kernel_test comes from Debian's python3-jupyter-kernel-test).
"""
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


if __name__ == "__main__":
    unittest.main()
