"""Builds the lockstep set: N training and validation images of a YOLO set, letterboxed to square (gray 114, centred) and
saved as PNG, so both trainers read the same pixels without resizing or padding. Training boxes are nudged 0.04-0.1 px
towards the image centre and shrunk by 0.014 %: the shapes generator puts many centres exactly on a half cell, where
yolov5's float32 label round trip (xywhn -> xyxy -> xywhn, clipped) moves them by ~1e-6 and flips build_targets'
neighbour-cell choice, which changes the step-0 loss by 2e-3 for reasons that have nothing to do with training.

usage: python3 lockstep_data.py SRC_DATASET_DIR OUT_DIR [N=16] [SIZE=320]
"""
import glob, os, shutil, sys
import cv2
import numpy as np

src, out = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 16
size = int(sys.argv[4]) if len(sys.argv) > 4 else 320
shutil.rmtree(out, ignore_errors=True)
for split in ("train", "val"):
    os.makedirs(f"{out}/images/{split}")
    os.makedirs(f"{out}/labels/{split}")
    for f in sorted(glob.glob(f"{src}/images/{split}/*"))[:n]:
        stem = os.path.splitext(os.path.basename(f))[0]
        im = cv2.imread(f)
        h, w = im.shape[:2]
        assert max(h, w) == size, f"{f}: long side {max(h, w)}, expected {size}"
        top, left = (size - h) // 2, (size - w) // 2
        canvas = np.full((size, size, 3), 114, np.uint8)
        canvas[top:top + h, left:left + w] = im
        cv2.imwrite(f"{out}/images/{split}/{stem}.png", canvas)
        with open(f"{src}/labels/{split}/{stem}.txt") as lf, open(f"{out}/labels/{split}/{stem}.txt", "w") as o:
            for line in lf.read().split("\n"):
                if not line.strip():
                    continue
                c, x, y, bw, bh = line.split()
                x, y = (float(x) * w + left) / size, (float(y) * h + top) / size
                bw, bh = float(bw) * w / size * 0.999863, float(bh) * h / size * 0.999863
                if split == "train":
                    x += 0.000123 if x < 0.5 else -0.000123
                    y += 0.000321 if y < 0.5 else -0.000321
                o.write(f"{c} {x:.6f} {y:.6f} {bw:.6f} {bh:.6f}\n")
names = open(f"{src}/data.yaml").read().split("names:", 1)[1]
with open(f"{out}/data.yaml", "w") as o:
    o.write(f"path: {os.path.abspath(out)}\ntrain: images/train\nval: images/val\nnames:{names}")
print(f"{out}: {n} train + {n} val images at {size}x{size}")
