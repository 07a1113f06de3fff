"""The prose checker (prose_check.py): it catches planted disagreements, and every committed notebook passes it.

Standard library only:  /usr/bin/python3 -m unittest -v test_prose_check
"""
import glob
import json
import os
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "kernel", "src", "main", "python"))
import prose_check  # noqa: E402

PLAN = """HAWQ-V3 plan for lenet5: total perturbation 2.6671e-03 (proven optimal, 294.8 ms)
  conv2            W8A8   Omega 3.837e-05  avg trace 1.994e-02
  fc1              W4A4   Omega 2.596e-03  avg trace 5.433e-04
  budget size                 uses 39358 bytes of 47990.5 bytes (82.0%)
  BOPs 1.23494e+07
"""
TABLE = ("<table><thead><tr><th>layer</th><th>codes</th><th>differ</th></tr></thead><tbody>"
         "<tr><td>s3b1.conv1</td><td>4,096</td><td>3.2%</td></tr>"
         "<tr><td>s3b1.conv2</td><td>4,096</td><td>17.1%</td></tr></tbody></table>")


def notebook(*cells):
    out = []
    for i, c in enumerate(cells):
        if isinstance(c, tuple):  # (id, plain text, html or None): a code cell and its output
            data = {"text/plain": c[1]}
            if c[2]:
                data["text/html"] = c[2]
            out.append({"cell_type": "code", "id": c[0], "source": "", "metadata": {}, "execution_count": i,
                        "outputs": [{"output_type": "execute_result", "execution_count": i, "metadata": {}, "data": data}]})
        else:
            out.append({"cell_type": "markdown", "id": "m%d" % i, "source": c, "metadata": {}})
    return {"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def problems(*cells):
    return prose_check.check(notebook(*cells), "nb")


class ProseCheckTest(unittest.TestCase):
    def test_quotes_that_agree_pass(self):
        self.assertEqual(problems(
            ("plan", PLAN, None),
            "Total 2.6671e-03<!--from: total perturbation-->, rounded 2.67e-03<!--from: total perturbation-->; "
            "fc1's Ω is **2.596e-03**<!--from: fc1 ... Omega-->, its trace 5.433e-04<!--from: fc1 #2-->. "
            "It uses 39,358<!--from: uses--> of 47,990.5<!--from: uses #2--> bytes (82%<!--from: uses #3-->)."), [])

    def test_a_planted_disagreement_is_caught_and_named(self):
        found = problems(("plan", PLAN, None), "Only fc1 goes to 4 bits; its Ω, 2.569e-03<!--from: fc1 ... Omega-->, is small.")
        self.assertEqual(found, ["nb, cell 1: quotes 2.569e-03 for the first number after 'fc1 ... Omega' "
                                 "in cell 0's output, which shows 2.596e-03"])

    def test_html_tables_are_read_cell_by_cell(self):
        self.assertEqual(problems(("diff", "", TABLE), "s3b1.conv2 differs in 17%<!--from: s3b1.conv2 #2-->."), [])
        found = problems(("diff", "", TABLE), "a few percent, at most 3.2%<!--from: s3b1.conv2 #2-->")
        self.assertEqual(len(found), 1)
        self.assertIn("quotes 3.2 for the second number after 's3b1.conv2' in cell 0's output, which shows 17.1", found[0])

    def test_a_quote_may_not_claim_digits_the_output_does_not_show(self):
        found = problems(("plan", PLAN, None), "BOPs: 12,349,440<!--from: BOPs-->")
        self.assertEqual(len(found), 1)
        self.assertIn("claims digits the output does not show", found[0])
        self.assertEqual(problems(("plan", PLAN, None), "BOPs: 1.235e+07<!--from: BOPs-->"), [])

    def test_number_words_and_counts(self):
        three = ("codes", "codes of a 2-bit signed quantizer: [-1, 0, 1] (3 codes)", None)
        self.assertEqual(problems(three, "2 bits give three<!--from: (--> codes"), [])
        found = problems(three, "2 bits give four<!--from: (--> levels")
        self.assertEqual(found, ["nb, cell 1: quotes four for the first number after '(' in cell 0's output, which shows 3"])
        self.assertEqual(problems(three, "the last code is 1<!--from: #4-->"), [])

    def test_digits_inside_words_are_not_numbers(self):
        self.assertEqual(problems(("plan", PLAN, None), "conv2's Ω is 3.837e-05<!--from: conv2-->"), [])

    def test_a_named_cell_is_used_instead_of_the_nearest(self):
        cells = [("plan", PLAN, None), ("other", "total perturbation 9.9", None)]
        self.assertEqual(problems(*cells, "2.6671e-03<!--from plan: total perturbation-->"), [])
        self.assertEqual(len(problems(*cells, "2.6671e-03<!--from: total perturbation-->")), 1)

    def test_broken_tags_are_sentences(self):
        cases = {
            "9<!--from nowhere: x-->": "names no code cell with id 'nowhere'",
            "9<!--from plan fc1-->": "is not 'from: LABEL'",
            "about<!--from: fc1-->": "no number right before the tag",
            "5<!--from: fc9-->": "'fc9' is not in the output",
            "5<!--from: BOPs #3-->": "the output has 1 number after 'BOPs', not 3",
        }
        for markdown, expected in cases.items():
            found = problems(("plan", PLAN, None), markdown)
            self.assertEqual(len(found), 1, markdown)
            self.assertIn(expected, found[0], markdown)
        self.assertIn("has no code cell above it", problems("7<!--from: x-->", ("plan", PLAN, None))[0])

    def test_every_committed_notebook_agrees_with_its_outputs(self):
        paths = sorted(glob.glob(os.path.join(ROOT, "tutorials", "*.ipynb")) + glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))
        self.assertTrue(paths)
        for path in paths:
            with open(path, encoding="utf-8") as f:
                self.assertEqual(prose_check.check(json.load(f), os.path.relpath(path, ROOT)), [], path)


if __name__ == "__main__":
    unittest.main()
