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
import train
# train.py imported check_anchors by name: patch its binding too.
train.check_anchors = check_anchors
opt = train.parse_opt()
train.main(opt)
