"""Writes yolov5 v7.0's freshly initialised yolov5n (as train.py builds it with --seed 0) as a checkpoint both trainers
load with --weights: yolov5's train.py transfers it (anchors excluded, they come from the cfg), GhostYolo reads yolov5
checkpoints. Run from a yolov5 v7.0 checkout.

usage: python3 lockstep_init.py OUT.pt NC [CFG=models/yolov5n.yaml] [SEED=0]
"""
import os, sys
sys.path.insert(0, os.getcwd())
import torch
from models.yolo import Model
from utils.general import init_seeds

out, nc = sys.argv[1], int(sys.argv[2])
cfg = sys.argv[3] if len(sys.argv) > 3 else "models/yolov5n.yaml"
init_seeds((int(sys.argv[4]) if len(sys.argv) > 4 else 0) + 1, deterministic=True)  # train.py: opt.seed + 1 + RANK
model = Model(cfg, ch=3, nc=nc)
model.names, model.nc = {i: f"class{i}" for i in range(nc)}, nc
torch.save({"model": model, "epoch": -1, "ema": None, "optimizer": None}, out)
print(f"{out}: {cfg}, nc {nc}, {sum(p.numel() for p in model.parameters()):,} parameters")
