"""Records what yolov5 v7.0's training loader draws for each sample, and what it produces.

Run from a yolov5 v7.0 checkout. For samples 0..N-1 of the training split it writes OUT/NNNNN.json (every random draw
of the sample in call order: the mosaic gate, the centre, the three partners and the shuffled order, the eight warp
draws, the mixup gate, the three HSV gains, the two flips, each as the uniform in [0, 1) behind it or as the chosen
image file), OUT/NNNNN.u8 (the image as it leaves __getitem__: 3 x H x W RGB uint8) and OUT/NNNNN.f32 (its labels,
n x 6: 0, class, x, y, w, h normalised). tools/fidelity/aug_replay.cs feeds the same draws through GhostYolo's
recipe=yolov5 transforms and compares pixels and boxes.

  python3 v5_aug_params.py DATA.yaml OUT [N=64] [imgsz=320]
"""
import json
import math
import os
import random as _random
import sys
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, os.getcwd())  # the yolov5 checkout
from utils.dataloaders import LoadImagesAndLabels
import utils.dataloaders as dl
import utils.augmentations as aug

data, out = sys.argv[1], Path(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 64
imgsz = int(sys.argv[4]) if len(sys.argv) > 4 else 320
out.mkdir(parents=True, exist_ok=True)

rng = _random.Random(12345)
log = []


class Recorder:
    """Stands in for the `random` module inside yolov5's loader: the same formulas as CPython's, from one generator, logged."""

    def random(self):
        u = rng.random()
        log.append({"k": "u", "v": u})
        return u

    def uniform(self, a, b):
        u = rng.random()
        log.append({"k": "u", "v": u})
        return a + (b - a) * u

    def choices(self, population, k=1):
        picked = []
        for _ in range(k):
            u = rng.random()
            i = math.floor(u * len(population))
            log.append({"k": "pick", "v": int(population[i])})
            picked.append(population[i])
        return picked

    def shuffle(self, x):
        rng.shuffle(x)
        log.append({"k": "order", "v": [int(i) for i in x]})

    def randint(self, a, b):
        raise RuntimeError("randint is not expected with mixup 0")


def np_uniform(low=0.0, high=1.0, size=None):
    u = np.array([rng.random() for _ in range(size)])
    for v in u:
        log.append({"k": "u", "v": float(v)})
    return low + (high - low) * u


dl.random = Recorder()
aug.random = Recorder()
aug.np = type("np_proxy", (), {"__getattr__": lambda self, name: getattr(np, name)})()
aug.np.random = type("np_random_proxy", (), {"uniform": staticmethod(np_uniform), "__getattr__": lambda self, name: getattr(np.random, name)})()

cfg = yaml.safe_load(open(data))
root = Path(cfg.get("path", Path(data).parent))
train = str(root / cfg["train"])
hyp = yaml.safe_load(open("data/hyps/hyp.scratch-low.yaml"))
ds = LoadImagesAndLabels(train, imgsz, 16, augment=True, hyp=hyp, rect=False, cache_images=False, stride=32, pad=0.0, prefix="")
assert ds.albumentations.transform is None, "albumentations is installed: its transforms are not replayed"
names = [Path(f).name for f in ds.im_files]
for i in range(n):
    log.clear()
    img, labels, path, _ = ds[i]
    for e in log:
        if e["k"] == "pick":
            e["v"] = names[e["v"]]
        elif e["k"] == "order":
            e["v"] = [names[j] for j in e["v"]]
    stem = out / f"{i:05d}"
    json.dump({"image": Path(path).name, "draws": log}, open(f"{stem}.json", "w"))
    img.numpy().astype(np.uint8).tofile(f"{stem}.u8")
    labels.numpy().astype(np.float32).tofile(f"{stem}.f32")
json.dump({"height": int(img.shape[1]), "width": int(img.shape[2]), "samples": n}, open(out / "shape.json", "w"))
print(f"{n} samples in {out}")
