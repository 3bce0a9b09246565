"""Runs ultralytics 8.2.103's own BYTETracker and BOTSORT (no image: no camera-motion compensation) on a deterministic
synthetic detection stream and writes what they output per frame, for GhostYolo's tracker parity tests.

    PYTHONPATH=$PEER/ul:$PEER/lapstub /usr/bin/python3 tools/peer-fixtures/make_tracker_fixtures.py OUT.json

ultralytics' trackers import `lap`, which nothing here provides: $PEER/lapstub/lap.py is a stand-in over
scipy.optimize.linear_sum_assignment with lapjv(extend_cost=True, cost_limit) semantics (see the note of issue 19).
"""
import json, sys
from types import SimpleNamespace
import numpy as np
from ultralytics.trackers.byte_tracker import BYTETracker
from ultralytics.trackers.bot_sort import BOTSORT


class Boxes:
    """The slice of ultralytics' Boxes the trackers read: conf, xywh (centre), cls."""
    def __init__(self, rows):
        a = np.asarray(rows, dtype=np.float32).reshape(-1, 6)  # x1 y1 x2 y2 conf cls
        self.conf, self.cls = a[:, 4], a[:, 5]
        self.xywh = np.stack([(a[:, 0] + a[:, 2]) / 2, (a[:, 1] + a[:, 3]) / 2, a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]], 1)
    def __len__(self):
        return len(self.conf)


def stream(frames=80, seed=0):
    """Four objects: two crossing, one that disappears for 6 frames, one whose score dips under the high threshold."""
    rng = np.random.default_rng(seed)
    objs = [dict(x=20, y=60, vx=3.0, vy=0.2, w=30, h=30, cls=0), dict(x=260, y=70, vx=-3.0, vy=-0.1, w=28, h=34, cls=1),
            dict(x=100, y=180, vx=1.0, vy=-0.5, w=40, h=24, cls=2), dict(x=200, y=200, vx=-1.5, vy=-1.0, w=22, h=22, cls=3)]
    out = []
    for f in range(frames):
        rows = []
        for k, o in enumerate(objs):
            cx, cy = o["x"] + o["vx"] * f, o["y"] + o["vy"] * f
            if k == 2 and 30 <= f < 36:
                continue  # missed for 6 frames
            score = 0.9 - 0.05 * k
            if k == 3 and 40 <= f < 48:
                score = 0.3  # low-score detections: only ByteTrack's second association keeps the track
            n = rng.normal(0, 1.0, 4)
            w, h = o["w"] + n[2], o["h"] + n[3]
            rows.append([cx - w / 2 + n[0], cy - h / 2 + n[1], cx + w / 2 + n[0], cy + h / 2 + n[1], score, o["cls"]])
        if f % 17 == 5:
            rows.append([150 + f, 20, 170 + f, 40, 0.65, 1])  # a one-frame false positive
        out.append(rows)
    return out


def run(kind, frames):
    cfg = SimpleNamespace(tracker_type=kind, track_high_thresh=0.5, track_low_thresh=0.1, new_track_thresh=0.6,
                          track_buffer=30, match_thresh=0.8, fuse_score=True, gmc_method="none",
                          proximity_thresh=0.5, appearance_thresh=0.25, with_reid=False)
    tracker = (BYTETracker if kind == "bytetrack" else BOTSORT)(cfg, frame_rate=30)
    result = []
    for rows in frames:
        if len(rows) == 0:
            result.append([])  # ultralytics does not call update() on an empty frame
            continue
        t = tracker.update(Boxes(rows), None)
        # columns: x1 y1 x2 y2 id score cls idx
        result.append([[float(v) for v in r] for r in t])
    return result


frames = stream()
json.dump({"writer": "tools/peer-fixtures/make_tracker_fixtures.py with ultralytics 8.2.103 (lap stand-in over scipy)",
           "detections": frames, "bytetrack": run("bytetrack", frames), "botsort": run("botsort", frames)},
          open(sys.argv[1], "w"))
