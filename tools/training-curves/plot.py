#!/usr/bin/env python3
"""Per-epoch mAP50-95 of several training runs in one picture.

Reads each run's results.csv whatever wrote it: GhostYolo and ultralytics 8 name the column
'metrics/mAP50-95(B)' and count epochs from 1; yolov5 v7.0 names it 'metrics/mAP_0.5:0.95' and counts from 0.

    python3 tools/training-curves/plot.py out.png "label=path/to/results.csv" ...
    python3 tools/training-curves/plot.py out.png "@YOLOv8n" "a=…/results.csv" "@YOLOv5n" "b=…/results.csv"

An argument "@Title" starts a new panel (side by side) with that title.
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
    panels = []  # [(title, [runs])]
    for run in runs:
        if run.startswith("@"):
            panels.append((run[1:], []))
        else:
            if not panels:
                panels.append(("", []))
            panels[-1][1].append(run)
    fig, axes = plt.subplots(1, len(panels), figsize=(7 * len(panels), 4.5), squeeze=False)
    for ax, (title, members) in zip(axes[0], panels):
        for run in members:
            label, path = run.rsplit("=", 1)
            epochs, values = read(path)
            ax.plot(epochs, values, marker=".", label=f"{label} ({values[-1]:.3f})")
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.set_ylabel("mAP50-95 (val)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
