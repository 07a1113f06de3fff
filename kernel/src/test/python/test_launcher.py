"""The launcher explains itself: ./bitlab help, --help on its own commands and on CLI verbs, and no JDK warning
about incubator modules on stderr.

Run by ./bitlab test beside the conformance suite (standard library only; after ./bitlab setup):
/usr/bin/python3 -m unittest -v test_launcher
"""
import os
import subprocess
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
BITLAB = os.path.join(ROOT, "bitlab")


def run(*args):
    return subprocess.run([BITLAB, *args], capture_output=True, text=True, timeout=600)


class LauncherTest(unittest.TestCase):
    def test_help_lists_the_launcher_commands_and_the_cli_verbs(self):
        for form in (["help"], ["--help"], ["-h"], []):
            r = run(*form)
            self.assertEqual(0, r.returncode, r.stderr)
            self.assertIn("  setup ", r.stdout)
            self.assertIn("CLI verbs", r.stdout)
            for verb in ("models", "quantize", "haq", "hawq", "integer", "sweep"):
                self.assertRegex(r.stdout, r"\n  %s +\S" % verb, form)
            self.assertNotIn("incubator", r.stderr)

    def test_help_verb_and_verb_help_show_the_verb_options(self):
        for form in (["help", "ilp"], ["ilp", "--help"]):
            r = run(*form)
            self.assertEqual(0, r.returncode, r.stderr)
            self.assertTrue(r.stdout.startswith("Usage: bitlab ilp "), r.stdout)
            self.assertEqual("", r.stderr)

    def test_launcher_commands_answer_help_without_acting(self):
        for cmd in ("setup", "lab", "run", "test", "kernel"):
            r = run(cmd, "--help")
            self.assertEqual(0, r.returncode, r.stderr)
            self.assertRegex(r.stdout, r"^  %s( |$)" % cmd)
        r = run("bench", "--help")
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertIn("where NAME is one of", r.stdout)
        self.assertIn("sweep", r.stdout)

    def test_test_refuses_an_unknown_argument_with_a_sentence(self):
        r = run("test", "--bogus")
        self.assertEqual(1, r.returncode)
        self.assertEqual("bitlab: test takes no arguments but --fast, not '--bogus' (BITLAB_TEST_STAGES picks stages).",
                         r.stderr.strip())

    def test_an_unknown_benchmark_is_one_sentence(self):
        r = run("bench", "nosuch")
        self.assertEqual(2, r.returncode)
        self.assertEqual(1, len(r.stderr.strip().splitlines()), r.stderr)
        self.assertIn("there is no benchmark 'nosuch'", r.stderr)

    def test_cli_errors_keep_their_sentence_without_the_jdk_warning(self):
        r = run("eval", "lenet6")
        self.assertEqual(2, r.returncode)
        self.assertEqual(1, len(r.stderr.strip().splitlines()), r.stderr)
        self.assertTrue(r.stderr.startswith("bitlab eval: There is no zoo model 'lenet6'"), r.stderr)


if __name__ == "__main__":
    unittest.main()
