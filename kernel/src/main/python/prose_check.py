"""The prose checker: numbers quoted in a notebook's Markdown agree with the outputs they come from.

  prose_check.py NOTEBOOK...     check the committed outputs (no kernel needed); exit 1 on any disagreement

A quoted number is tagged with an HTML comment right after it (Jupyter and GitHub do not show comments):

    Only fc1 goes to 4 bits; the total perturbation is 2.6671e-03<!--from: total perturbation-->.
    fc2's Ω at 4 bits, 1.896e-03<!--from plan: fc2 #2-->, is smaller.

  from: LABEL        the first number after LABEL in the output of the nearest code cell above
  from ID: LABEL     ... in the output of the code cell whose id is ID (a cell's "id" in the file)
  LABEL #N           the N-th number after LABEL instead of the first
  A ... B            B searched after A (a row, then a column in it)
  from: #N           the N-th number of the output (no label)

The output searched is the cell's text as a reader sees it: printed lines, the plain-text form of every value
shown, and the text of its HTML (tables read cell by cell). Whitespace runs count as one space; labels are
case-sensitive. Numbers are read with thousands separators (48,000), decimals, exponents (2.6e-03) and signs;
digits inside a word (fc2, W4A4) are not numbers. The quote may also be a number word (three).

The quote agrees when the output's number rounds to it at the quote's precision (90% quotes 90.05%), and
the quote may not claim more digits than the output shows (12,349,440 quoted from 1.23494e+07 fails: the
output does not say the last digits). Run by ./bitlab run and by the test command on every execution.
Standard library only.
"""
import html
import json
import re
import sys

NUMBER = r"[-\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+\u2212]?\d+)?"
NUMBER_RE = re.compile(r"(?<![\w.,])" + NUMBER)
WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
TAG_RE = re.compile(r"<!--\s*from\b(.*?)-->", re.S)
SPEC_RE = re.compile(r"^\s*([A-Za-z0-9_-]+)?\s*:(.*?)(?:#(\d+))?\s*$", re.S)
# the quote: a number or number word, then at most a unit sign or Markdown emphasis before the tag
QUOTE_RE = re.compile(r"(?:(?<![\w.,])(" + NUMBER + r")|\b(" + "|".join(WORDS) + r"))[%x\u00d7*`_)\]]*\s*$", re.I)


class Number:
    """A number as written: its value and the unit of its last digit (0.01 for 90.05, 1e-7 for 2.6671e-03)."""

    def __init__(self, text):
        self.text = text
        if text.lower() in WORDS:
            self.value, self.unit = float(WORDS[text.lower()]), 1.0
            return
        t = text.replace(",", "").replace("\u2212", "-")
        mantissa, _, exponent = t.lower().partition("e")
        decimals = len(mantissa.partition(".")[2])
        self.value = float(t)
        self.unit = 10.0 ** ((int(exponent) if exponent else 0) - decimals)


def agrees(quote, shown):
    """None if quote agrees with the shown number, else why not."""
    if quote.unit < shown.unit * (1 - 1e-9):
        return "which shows only %s: the quote claims digits the output does not show" % shown.text
    if abs(quote.value - shown.value) > 0.5 * quote.unit * (1 + 1e-9) + 1e-12 * abs(shown.value):
        return "which shows %s" % shown.text
    return None


def html_text(markup):
    """The text of HTML as a reader sees it: table cells separated by ' | ', rows and blocks by newlines."""
    markup = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?i)</t[dh]>", " | ", markup)
    markup = re.sub(r"(?i)<(br|/tr|/p|/li|/div|/caption|/pre)\b[^>]*>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]*>", " ", markup))


def _joined(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def output_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(_joined(out.get("text")))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            parts.append(_joined(data.get("text/plain")))
            if "text/html" in data:
                parts.append(html_text(_joined(data["text/html"])))
        elif kind == "error":
            parts.append("%s: %s" % (out.get("ename"), out.get("evalue")))
    return re.sub(r"\s+", " ", "\n".join(parts))


def find(text, label, n):
    """The n-th number after label in text (fragments separated by '...' found in order), or why not."""
    at = 0
    for fragment in [f.strip() for f in label.split("...")]:
        if not fragment:
            continue
        fragment = re.sub(r"\s+", " ", fragment)
        i = text.find(fragment, at)
        if i < 0:
            return None, "'%s' is not in the output" % fragment
        at = i + len(fragment)
    numbers = list(NUMBER_RE.finditer(text, at))
    if len(numbers) < n:
        return None, "the output has %d number%s after '%s', not %d" % (
            len(numbers), "" if len(numbers) == 1 else "s", label.strip(), n)
    return Number(numbers[n - 1].group()), None


def check(nb, name="notebook"):
    """Every tagged quote of a notebook (a dict as nbformat reads it) checked; a list of sentences, empty when all agree."""
    problems = []
    cells = nb.get("cells", [])
    by_id = {c.get("id"): (i, c) for i, c in enumerate(cells) if c.get("cell_type") == "code" and c.get("id")}
    last_code = None
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "code":
            last_code = (index, cell)
            continue
        if cell.get("cell_type") != "markdown":
            continue
        source = _joined(cell.get("source"))
        for tag in TAG_RE.finditer(source):
            where = "%s, cell %d" % (name, index)
            spec = SPEC_RE.match(tag.group(1))
            if not spec:
                problems.append("%s: the tag '%s' is not 'from: LABEL' or 'from ID: LABEL [#N]'" % (where, tag.group(0)))
                continue
            cell_id, label, n = spec.group(1), spec.group(2).strip(), int(spec.group(3) or 1)
            quote = QUOTE_RE.search(source[:tag.start()])
            if not quote:
                problems.append("%s: no number right before the tag '%s'" % (where, tag.group(0)))
                continue
            quoted = Number(quote.group(1) or quote.group(2))
            if cell_id:
                if cell_id not in by_id:
                    problems.append("%s: the tag '%s' names no code cell with id '%s'" % (where, tag.group(0), cell_id))
                    continue
                source_index, source_cell = by_id[cell_id]
            elif last_code:
                source_index, source_cell = last_code
            else:
                problems.append("%s: the tag '%s' has no code cell above it; name one (from ID: ...)" % (where, tag.group(0)))
                continue
            what = "the %s number after '%s'" % (_ordinal(n), label) if label else "the %s number" % _ordinal(n)
            shown, why = find(output_text(source_cell), label, n)
            if why:
                problems.append("%s: %s is quoted from %s in cell %d, but %s" % (
                    where, quoted.text, what, source_index, why))
                continue
            verdict = agrees(quoted, shown)
            if verdict:
                problems.append("%s: quotes %s for %s in cell %d's output, %s" % (
                    where, quoted.text, what, source_index, verdict))
    return problems


def _ordinal(n):
    return {1: "first", 2: "second", 3: "third"}.get(n, "%dth" % n)


def count_tags(nb):
    return sum(len(TAG_RE.findall(_joined(c.get("source")))) for c in nb.get("cells", []) if c.get("cell_type") == "markdown")


def main(paths):
    bad = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        problems = check(nb, path)
        bad += bool(problems)
        print(("FAIL %s\n  " % path + "\n  ".join(problems)) if problems else "ok   %s (%d quotes)" % (path, count_tags(nb)))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: prose_check.py NOTEBOOK...")
    sys.exit(main(sys.argv[1:]))
