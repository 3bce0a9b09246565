# Runs yolov5 v7.0 train.py unchanged, logging per batch: lr and momentum of each param group (the values the batch runs with),
# targets, batch size and loss items; and the anchors after AutoAnchor. Output: JSON lines in $V5LOG.
import json, os, sys
sys.path.insert(0, os.getcwd())
import torch
torch.set_num_threads(int(os.environ.get("V5THREADS", "1")))
import utils.torch_utils as tu
import utils.loss as ul
import utils.autoanchor as ua
LOG = open(os.environ["V5LOG"], "w")
OPT = []
_so = tu.smart_optimizer
def smart_optimizer(*a, **k):
    o = _so(*a, **k); OPT.append(o); return o
tu.smart_optimizer = smart_optimizer
_ca = ua.check_anchors
def check_anchors(dataset, model, thr=4.0, imgsz=640):
    m = model.model[-1]
    LOG.write(json.dumps({"anchors_before": (m.anchors * m.stride.view(-1, 1, 1)).view(-1).tolist()}) + "\n")
    r = _ca(dataset, model, thr, imgsz)
    LOG.write(json.dumps({"anchors_after": (m.anchors * m.stride.view(-1, 1, 1)).view(-1).tolist(), "hyp_anchor_t": thr}) + "\n")
    return r
ua.check_anchors = check_anchors
_call = ul.ComputeLoss.__call__
STEP = [0]
def call(self, p, targets):
    loss, items = _call(self, p, targets)
    if torch.is_grad_enabled() and OPT:
        g = OPT[0].param_groups
        LOG.write(json.dumps({"step": STEP[0], "lr": [x["lr"] for x in g], "momentum": [x["momentum"] for x in g],
                              "targets": int(targets.shape[0]), "images": int(p[0].shape[0]), "items": items.tolist(),
                              "gains": [self.hyp["box"], self.hyp["obj"], self.hyp["cls"]], "threads": torch.get_num_threads()}) + "\n")
        LOG.flush(); STEP[0] += 1
    return loss, items
ul.ComputeLoss.__call__ = call
# With $V5DUMP set, every augmented training batch is also written as it leaves the loader: DIR/NNNNN.u8 (uint8 images,
# B x 3 x H x W, RGB) and DIR/NNNNN.f32 (float32 targets, n x 6: image, class, cx, cy, w, h normalised), numbered in
# training order, for `tools/fidelity/replay.cs` to feed the same batches to GhostYolo's training step.
DUMP = os.environ.get("V5DUMP")
if DUMP:
    import utils.dataloaders as ud
    os.makedirs(DUMP, exist_ok=True)
    _iter = ud.InfiniteDataLoader.__iter__
    DUMPED = [0]
    def dump_iter(self):
        for batch in _iter(self):
            if getattr(self.dataset, "augment", False):   # the training loader; validation batches pass untouched
                imgs, targets = batch[0], batch[1]
                n = DUMPED[0]
                imgs.numpy().tofile(f"{DUMP}/{n:05d}.u8")
                targets.numpy().astype("float32").tofile(f"{DUMP}/{n:05d}.f32")
                if n == 0:
                    with open(f"{DUMP}/shape.json", "w") as f:
                        json.dump({"batch": imgs.shape[0], "height": imgs.shape[2], "width": imgs.shape[3]}, f)
                DUMPED[0] += 1
            yield batch
    ud.InfiniteDataLoader.__iter__ = dump_iter
# With $V5REPLAY set, the training loader yields the batches in DIR (the same format, e.g. GhostYolo's from
# `replay.cs dump`) in order instead of its own; yolov5 still builds its dataset (labels for AutoAnchor, batches per epoch).
REPLAY = os.environ.get("V5REPLAY")
if REPLAY:
    import numpy as np
    import utils.dataloaders as ud
    shape = json.load(open(f"{REPLAY}/shape.json"))
    _iter = ud.InfiniteDataLoader.__iter__
    REPLAYED = [0]
    def replay_iter(self):
        if not getattr(self.dataset, "augment", False):
            yield from _iter(self); return
        for _ in range(len(self)):
            n = REPLAYED[0]; REPLAYED[0] += 1
            imgs = torch.from_numpy(np.fromfile(f"{REPLAY}/{n:05d}.u8", dtype=np.uint8).reshape(-1, 3, shape["height"], shape["width"]))
            targets = torch.from_numpy(np.fromfile(f"{REPLAY}/{n:05d}.f32", dtype=np.float32).reshape(-1, 6))
            yield imgs, targets, [f"{REPLAY}/{n:05d}_{k}.jpg" for k in range(imgs.shape[0])], None
    ud.InfiniteDataLoader.__iter__ = replay_iter
import train
# train.py imported check_anchors by name: patch its binding too.
train.check_anchors = check_anchors
opt = train.parse_opt()
train.main(opt)
