# Statistics of yolov5 v7.0's augmented training samples (hyp.scratch-low, mosaic, 320): labels per image, box sizes,
# classes, pixel means and the share of grey (114) border. aug_stats.cs prints the same for GhostYolo's recipe=yolov5
# pipeline, so the two distributions can be compared side by side. Run from a yolov5 v7.0 checkout:
#   python3 aug_stats.py DATA/images/train [IMGSZ] [PASSES]
import os, sys, random
sys.path.insert(0, os.getcwd())
import numpy as np, yaml
from utils.dataloaders import LoadImagesAndLabels

path = sys.argv[1]
imgsz = int(sys.argv[2]) if len(sys.argv) > 2 else 320
passes = int(sys.argv[3]) if len(sys.argv) > 3 else 2
hyp = yaml.safe_load(open("data/hyps/hyp.scratch-low.yaml"))
random.seed(0); np.random.seed(0)
ds = LoadImagesAndLabels(path, imgsz, 16, augment=True, hyp=hyp, rect=False, stride=32, prefix="")
rows = []
for p in range(passes):
    for i in range(len(ds)):
        img, labels, _, _ = ds[i]
        img = img.numpy()  # CHW RGB uint8
        lab = labels.numpy()[:, 1:]  # cls, x, y, w, h normalised
        rows.append((img, lab))

def summary(name, rows, s):
    n = np.array([len(l) for _, l in rows])
    boxes = np.concatenate([l for _, l in rows if len(l)])
    w, h = boxes[:, 3] * s, boxes[:, 4] * s
    side = np.sqrt(w * h)
    pix = np.stack([im.reshape(3, -1).mean(1) for im, _ in rows])
    grey = np.array([(im == 114).all(0).mean() for im, _ in rows])
    print(f"{name}: {len(rows)} samples, labels/image mean {n.mean():.3f} (median {np.median(n):.0f}, empty {np.mean(n == 0):.3f})")
    print(f"  box side sqrt(wh) px: mean {side.mean():.1f} p10 {np.percentile(side, 10):.1f} p50 {np.median(side):.1f} p90 {np.percentile(side, 90):.1f}")
    edges = [0, 8, 16, 32, 64, 128, 1e9]
    hist = np.histogram(side, edges)[0] / len(side)
    print("  side buckets <8 / 8-16 / 16-32 / 32-64 / 64-128 / >128: " + " / ".join(f"{x:.3f}" for x in hist))
    print(f"  aspect w/h: mean {np.mean(w / h):.3f} p10 {np.percentile(w / h, 10):.3f} p90 {np.percentile(w / h, 90):.3f}")
    cls = np.bincount(boxes[:, 0].astype(int)) / len(boxes)
    print("  classes: " + " ".join(f"{c:.3f}" for c in cls))
    print(f"  pixel mean RGB: {pix.mean(0)[0]:.1f} {pix.mean(0)[1]:.1f} {pix.mean(0)[2]:.1f}; spread of image means (std) {pix.mean(1).std():.1f}")
    print(f"  grey-114 pixels: {grey.mean():.3f}")

summary("yolov5 v7.0", rows, imgsz)
