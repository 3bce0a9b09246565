"""Compares per-step logs of lockstep runs (yolov5_steps.py / `ghostyolo train --step-log`) against a reference log:
per step, the reference's loss items and each run's largest relative difference from them; a run whose lr or
momentum differs from the reference at a step is marked. The first rows show how far apart the two trainers start,
the later ones how fast float rounding grows; read GhostYolo's column against the reference's own rerun at another
thread count.

usage: python3 lockstep_compare.py REF.jsonl NAME RUN.jsonl [NAME RUN.jsonl ...]
"""
import statistics as st, sys

from compare_steps import load  # per-batch loss items from either log (GhostYolo's running means are unrolled)


ref = load(sys.argv[1])
runs = [(n, load(p)) for n, p in zip(sys.argv[2::2], sys.argv[3::2])]
print("step  reference box / obj / cls    " + "   ".join(f"{n}: max rel diff" for n, _ in runs))
for i, a in enumerate(ref):
    cols = []
    for _, r in runs:
        if i >= len(r):
            cols.append("-"); continue
        b = r[i]
        d = max(abs((y - x) / x) for x, y in zip(a["items"], b["items"]))
        same = all(abs(x - y) < 1e-12 for x, y in zip(a["lr"] + a["momentum"], b["lr"] + b["momentum"]))
        cols.append(f"{d:.1e}" + ("" if same else " (lr/momentum differ)"))
    print(f"{i:4d}  {a['items'][0]:.6f} {a['items'][1]:.6f} {a['items'][2]:.6f}   " + "   ".join(cols))
k = min(len(ref), *(len(r) for _, r in runs))
print(f"mean of steps {k // 3}..{k - 1}:")
for name, r in [("reference", ref)] + runs:
    print(f"  {name:14s} " + " ".join(f"{st.mean(x['items'][j] for x in r[k // 3:k]):.5f}" for j in range(3)))
