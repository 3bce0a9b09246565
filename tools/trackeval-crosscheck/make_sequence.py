#!/usr/bin/env python3
"""Writes a synthetic MOTChallenge sequence and a noisy "tracker output" for it, to cross-check GhostYolo's MOT
metrics against TrackEval (see README.md). Standard library only; deterministic for a given --seed.

Ground truth: 8 objects on straight paths with speed changes over 100 frames, some entering late or leaving early,
some crossing each other; a few boxes flagged not-considered (column 7 = 0). Tracker output: every object box with
pixel noise (now and then large enough to drop IoU below 0.5), missed boxes and a run of misses (one object
mostly missed, one nearly never found), two ID swaps
between crossing objects, one track re-born under a new id after a gap, and false positives (some lingering
tracks, some one-frame blips).
"""
import argparse
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="folder for gt.txt, tracker.txt and seqinfo.ini")
    ap.add_argument("--frames", type=int, default=100)
    ap.add_argument("--seed", type=int, default=19)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    width, height, frames = 640, 480, args.frames

    # Objects: (start frame, end frame, x0, y0, vx, vy, w, h); a speed change halfway for some.
    objects = []
    for k in range(8):
        start = 1 if k < 5 else rng.randint(5, 40)
        end = frames if k % 3 else rng.randint(60, frames)
        w, h = rng.uniform(30, 70), rng.uniform(50, 120)
        x0, y0 = rng.uniform(0, width - w), rng.uniform(0, height - h)
        vx, vy = rng.uniform(-4, 4), rng.uniform(-2, 2)
        objects.append([start, end, x0, y0, vx, vy, w, h])
    # Two pairs on collision courses so that boxes cross (IDs near each other matter).
    objects[0][2:6] = [100, 200, 3.0, 0.0]
    objects[1][2:6] = [400, 210, -3.0, 0.0]
    objects[2][2:6] = [300, 50, 0.0, 2.5]
    objects[3][2:6] = [310, 350, 0.0, -2.5]
    objects[0][6:8] = objects[1][6:8] = [50, 100]
    objects[2][6:8] = objects[3][6:8] = [60, 90]

    gt = []   # (frame, id, x, y, w, h, considered)
    for i, (start, end, x0, y0, vx, vy, w, h) in enumerate(objects, start=1):
        x, y = x0, y0
        for f in range(1, frames + 1):
            if f == 50 and i % 2:
                vx, vy = vx * 1.5, -vy
            x, y = x + vx, y + vy
            if start <= f <= end:
                considered = 0 if (i == 7 and 70 <= f <= 74) else 1
                gt.append((f, i, x, y, w, h, considered))

    trk = []  # (frame, id, x, y, w, h, conf)
    swap_frames = {30: (1, 2), 62: (3, 4)}   # from this frame on, the two objects' tracker ids are exchanged
    id_of = {i: 100 + i for i in range(1, 9)}
    reborn = (6, 55)                           # object 6 gets a fresh id after a gap ending at frame 55
    for f in range(1, frames + 1):
        if f in swap_frames:
            a, b = swap_frames[f]
            id_of[a], id_of[b] = id_of[b], id_of[a]
        if f == reborn[1]:
            id_of[reborn[0]] = 200
        for (gf, gid, x, y, w, h, _) in gt:
            if gf != f:
                continue
            if gid == reborn[0] and reborn[1] - 6 <= f < reborn[1]:
                continue                      # the gap before the re-birth
            if gid == 5 and 20 <= f <= 24:
                continue                      # a run of misses without a new id
            if rng.random() < {8: 0.85, 4: 0.45}.get(gid, 0.06):
                continue                      # scattered misses; object 4 is mostly lost (PT), object 8 nearly never found (ML)
            sigma = 6.0 if rng.random() < 0.1 else 1.5
            trk.append((f, id_of[gid], x + rng.gauss(0, sigma), y + rng.gauss(0, sigma),
                        w * (1 + rng.gauss(0, 0.04)), h * (1 + rng.gauss(0, 0.04)), round(rng.uniform(0.5, 1.0), 2)))
        # A lingering false track and random one-frame false positives.
        if 10 <= f <= 25:
            trk.append((f, 300, 560 + f, 20, 40, 60, 0.4))
        if rng.random() < 0.15:
            trk.append((f, 400 + f, rng.uniform(0, 600), rng.uniform(0, 400), rng.uniform(20, 60), rng.uniform(30, 90), 0.3))

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "gt.txt"), "w") as fp:
        for f, i, x, y, w, h, c in sorted(gt):
            fp.write(f"{f},{i},{x:.2f},{y:.2f},{w:.2f},{h:.2f},{c},1,1\n")
    with open(os.path.join(args.out, "tracker.txt"), "w") as fp:
        for f, i, x, y, w, h, c in sorted(trk):
            fp.write(f"{f},{i},{x:.2f},{y:.2f},{w:.2f},{h:.2f},{c},-1,-1,-1\n")
    with open(os.path.join(args.out, "seqinfo.ini"), "w") as fp:
        fp.write(f"[Sequence]\nname=SYNTH-01\nimDir=img1\nframeRate=30\nseqLength={frames}\n"
                 f"imWidth={width}\nimHeight={height}\nimExt=.jpg\n")


if __name__ == "__main__":
    main()
