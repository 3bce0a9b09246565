#!/usr/bin/env python3
"""Where a detector's misses are, by object size: recall at IoU 0.5 / 0.75 and the matched boxes' mean IoU per size
bucket, from a COCO-format predictions.json (GhostYolo `val --save-json`, yolov5 `val.py --save-json`) and the YOLO
labels of the split. image_id is the image file's numeric stem (both tools write it so for numeric names).

usage: size_recall.py DATA_DIR/images/val DATA_DIR/labels/val "label=predictions.json" ... [--conf 0.25]
"""
import json, os, sys
from collections import defaultdict
from PIL import Image

def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0])); iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter + 1e-9)

def main():
    args = [a for a in sys.argv[1:]]
    conf = 0.25
    if "--conf" in args:
        i = args.index("--conf"); conf = float(args[i + 1]); del args[i:i + 2]
    images, labels, runs = args[0], args[1], args[2:]
    gt = {}
    for f in sorted(os.listdir(images)):
        stem = os.path.splitext(f)[0]
        w, h = Image.open(os.path.join(images, f)).size
        boxes = []
        lp = os.path.join(labels, stem + ".txt")
        if os.path.exists(lp):
            for line in open(lp):
                c, x, y, bw, bh = map(float, line.split()[:5])
                boxes.append((int(c), ((x - bw / 2) * w, (y - bh / 2) * h, (x + bw / 2) * w, (y + bh / 2) * h)))
        gt[int(stem)] = boxes
    edges = [0, 24, 48, 96, 1e9]
    names = ["<24 px", "24-48 px", "48-96 px", ">=96 px"]
    print(f"size = sqrt(box area) in image pixels; predictions with score >= {conf}")
    print(f"{'run':<28}{'size':<10}{'objects':>8}{'R@.5 any cls':>14}{'R@.5 right cls':>16}{'R@.75 right cls':>17}{'mean IoU':>10}")
    for run in runs:
        label, path = run.rsplit("=", 1)
        preds = defaultdict(list)
        for p in json.load(open(path)):
            if p["score"] >= conf:
                x, y, w, h = p["bbox"]
                preds[int(p["image_id"])].append((int(p["category_id"]), (x, y, x + w, y + h)))
        stats = [[0, 0, 0, 0, 0.0] for _ in names]
        for img, boxes in gt.items():
            for c, b in boxes:
                s = ((b[2] - b[0]) * (b[3] - b[1])) ** 0.5
                k = next(i for i in range(len(names)) if edges[i] <= s < edges[i + 1])
                any_iou = max((iou(b, pb) for _, pb in preds[img]), default=0.0)
                cls_iou = max((iou(b, pb) for pc, pb in preds[img] if pc == c), default=0.0)
                st = stats[k]
                st[0] += 1; st[1] += any_iou >= 0.5; st[2] += cls_iou >= 0.5; st[3] += cls_iou >= 0.75; st[4] += cls_iou
        for n, st in zip(names, stats):
            if st[0]:
                print(f"{label:<28}{n:<10}{st[0]:>8}{st[1]/st[0]:>14.3f}{st[2]/st[0]:>16.3f}{st[3]/st[0]:>17.3f}{st[4]/st[0]:>10.3f}")

main()
