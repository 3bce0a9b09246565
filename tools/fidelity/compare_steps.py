"""Compares per-step logs of yolov5 v7.0 (yolov5_steps.py) and GhostYolo (`ghostyolo train --step-log`).

usage: python3 compare_steps.py V5.jsonl GHOSTYOLO.jsonl [batches_per_epoch]
Prints the largest lr / momentum difference over all steps and the first step where they differ, then per epoch the mean
box / obj / cls loss items (yolov5's gains and scaling on both sides), targets per image and obj loss per target.
"""
import json, statistics as st, sys


def load(path):
    rows = [json.loads(l) for l in open(path)]
    rows = [r for r in rows if "step" in r]
    if rows and "items" not in rows[0]:  # GhostYolo logs the epoch's running mean: recover each batch's items
        for i, r in enumerate(rows):
            b, m = r["batch"], r["mean_loss"]
            r["items"] = list(m) if b == 0 else [m[k] * (b + 1) - rows[i - 1]["mean_loss"][k] * b for k in range(3)]
    return rows


def main():
    v5, gy = load(sys.argv[1]), load(sys.argv[2])
    nb = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    images = v5[0].get("images", 16)
    first, dl_max, dm_max = None, 0.0, 0.0
    for a, b in zip(v5, gy):
        dl = max(abs(x - y) for x, y in zip(a["lr"], b["lr"]))
        dm = max(abs(x - y) for x, y in zip(a["momentum"], b["momentum"]))
        dl_max, dm_max = max(dl_max, dl), max(dm_max, dm)
        if first is None and (dl > 1e-9 or dm > 1e-9):
            first = a["step"]
    print(f"steps {len(v5)} / {len(gy)}: max |d lr| {dl_max:.2g}, max |d momentum| {dm_max:.2g}, first differing step: {first}")
    for e in range(min(len(v5), len(gy)) // nb):
        out = []
        for rows in (v5[e * nb:(e + 1) * nb], gy[e * nb:(e + 1) * nb]):
            t = sum(r["targets"] for r in rows)
            items = [st.mean(r["items"][k] for r in rows) for k in range(3)]
            out.append(f"box {items[0]:.4f} obj {items[1]:.4f} cls {items[2]:.4f} targets/img {t / (nb * images):.2f} "
                       f"obj/target {1000 * sum(r['items'][1] for r in rows) / t:.3f}e-3")
        print(f"epoch {e}: yolov5 {out[0]} | GhostYolo {out[1]}")


if __name__ == "__main__":
    main()
