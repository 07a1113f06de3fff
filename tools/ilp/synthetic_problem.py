"""Writes a synthetic HAWQ-V3 bit-allocation problem (bitlab-ilp/1) for 'bitlab ilp --input FILE'.

Large problems of a chosen shape, to check the ILP's limits (time limit, proven gap, progress):
  python3 tools/ilp/synthetic_problem.py LAYERS CANDIDATES BUDGETS SEED OUT.json
LAYERS layers with 2 (W4A4, W8A8) or 4 (W2A8..W8A8) candidates; BUDGETS 1 (size) or 2 (size and
BOPs), each limit halfway between the cheapest and the dearest policy. Per layer: a sensitivity
log-uniform over four decades, 100-5,099 weights and 1-49 MACs per weight, all seeded; Omega of a
candidate is the sensitivity times 4^-w, jittered by a factor 0.5-1.5.
"""
import json
import random
import sys

CANDIDATES = {2: ["W4A4", "W8A8"], 4: ["W2A8", "W4A8", "W6A8", "W8A8"]}


def problem(layers, candidates, budgets, seed):
    r = random.Random(seed)
    names = CANDIDATES[candidates]
    widths = [int(c[1]) for c in names]
    out, low, high = [], {}, {}
    for i in range(layers):
        sensitivity = 10 ** (-3 + 4 * r.random())
        weights = 100 + r.randrange(5000)
        macs = weights * r.randrange(1, 50)
        costs = {"size": [weights * w / 8 for w in widths]}
        if budgets == 2:
            costs["bops"] = [macs * w * 8 for w in widths]
        omega = [sensitivity * 2.0 ** (-2 * w) * (0.5 + r.random()) for w in widths]
        out.append({"name": "l%d" % i, "candidates": names, "omega": omega, "costs": costs})
        for k, v in costs.items():
            low[k] = low.get(k, 0) + min(v)
            high[k] = high.get(k, 0) + max(v)
    units = {"size": "bytes", "bops": "BOPs"}
    limits = [{"name": k, "unit": units[k], "limit": (low[k] + high[k]) / 2} for k in low]
    return {"format": "bitlab-ilp/1", "layers": out, "budgets": limits, "fixed": {}, "ties": []}


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    n, k, b, seed = (int(a) for a in sys.argv[1:5])
    if k not in CANDIDATES or b not in (1, 2):
        sys.exit("CANDIDATES is 2 or 4 and BUDGETS 1 or 2.\n" + __doc__)
    with open(sys.argv[5], "w") as f:
        json.dump(problem(n, k, b, seed), f)
