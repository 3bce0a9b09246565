#!/usr/bin/env python3
"""Per-epoch mAP50-95 of several training runs in one picture.

Reads each run's results.csv whatever wrote it: GhostYolo and ultralytics 8 name the column
'metrics/mAP50-95(B)' and count epochs from 1; yolov5 v7.0 names it 'metrics/mAP_0.5:0.95' and counts from 0.

    python3 tools/training-curves/plot.py out.png "label=path/to/results.csv" ...
Needs matplotlib (Debian: python3-matplotlib).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COLUMNS = ("metrics/mAP50-95(B)", "metrics/mAP_0.5:0.95")


def read(path):
    with open(path, newline="") as f:
        rows = [{k.strip(): v.strip() for k, v in row.items()} for row in csv.DictReader(f)]
    column = next(c for c in COLUMNS if c in rows[0])
    epochs = [int(float(r["epoch"])) for r in rows]
    first = 1 if epochs[0] == 0 else 0  # yolov5 counts from 0
    return [e + first for e in epochs], [float(r[column]) for r in rows]


def main(out, runs):
    plt.figure(figsize=(7, 4.5))
    for run in runs:
        label, path = run.split("=", 1)
        epochs, values = read(path)
        plt.plot(epochs, values, marker=".", label=f"{label} ({values[-1]:.3f})")
    plt.xlabel("epoch")
    plt.ylabel("mAP50-95 (val)")
    plt.grid(alpha=0.3)
    plt.legend()
    plt.tight_layout()
    plt.savefig(out, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
