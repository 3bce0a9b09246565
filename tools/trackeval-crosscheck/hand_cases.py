#!/usr/bin/env python3
"""Writes the hand-worked sequences of tests/GhostYolo.Tests/Tracking/Metrics/HandWorkedSequenceTests.cs and
ClearMotTests.cs as MOTChallenge folders (gt.txt, tracker.txt, seqinfo.ini), one per case, under the current
directory, so that TrackEval can confirm the hand-derived values:
    for c in $(python3 hand_cases.py); do ./run_trackeval.sh /tmp/trackeval $c; done
Boxes are 10x10; object A on row y = 0, B on y = 100 (see MotBoxes.cs).
"""
import os

def box(f, i, x, y=0): return (f, i, x, y, 10, 10)
R = range
cases = {
 'perfect': ([box(f,1,0) for f in R(1,4)] + [box(f,2,0,100) for f in R(1,4)],
             [box(f,7,0) for f in R(1,4)] + [box(f,9,0,100) for f in R(1,4)]),
 'idswitch': ([box(f,1,0) for f in R(1,5)] + [box(f,2,0,100) for f in R(1,5)],
              [box(f,1 if f<=2 else 3,0) for f in R(1,5)] + [box(f,2,0,100) for f in R(1,5)]),
 'frag': ([box(f,1,0) for f in R(1,6)] + [box(f,2,0,100) for f in R(1,6)],
          [box(f,1,0) for f in R(1,6) if f!=3] + [box(f,2,0,100) for f in R(1,6)]),
 'fpfn': ([box(f,1,0) for f in R(1,4)] + [box(f,2,0,100) for f in R(1,4)],
          [box(f,1,2) for f in R(1,4)] + [box(2,5,500,500), box(3,6,5,100)]),
 'swap': ([box(f,1,0) for f in R(1,5)] + [box(f,2,0,100) for f in R(1,5)],
          [box(f,1 if f<=2 else 2,0) for f in R(1,5)] + [box(f,2 if f<=2 else 1,0,100) for f in R(1,5)]),
 'continue': ([box(1,1,0), box(1,2,100), box(2,1,0), box(2,2,4), box(3,1,0), box(3,2,100)],
              [box(1,1,0), box(1,2,100), box(2,1,3), box(3,1,0), box(3,2,100)]),
 'emptytrk': ([box(f,1,0) for f in R(1,4)] + [box(f,2,0,100) for f in R(1,4)], []),
 'emptygt': ([], [box(1,1,0), box(2,1,0), box(2,2,50), box(3,2,50)]),
 'missnotrk': ([box(f,1,0) for f in R(1,6)], [box(f,1,0) for f in R(1,6) if f!=3]),
 'lastmatch': ([box(f,1,0) for f in R(1,4)] + [box(f,2,0,100) for f in R(1,4)],
               [box(1,1,0), box(3,3,0)] + [box(f,2,0,100) for f in R(1,4)]),
}
for name, (gt, trk) in cases.items():
    os.makedirs(name, exist_ok=True)
    with open(f'{name}/gt.txt','w') as fp:
        for r in sorted(gt): fp.write('%d,%d,%g,%g,%g,%g,1,1,1\n' % r)
    with open(f'{name}/tracker.txt','w') as fp:
        for r in sorted(trk): fp.write('%d,%d,%g,%g,%g,%g,1,-1,-1,-1\n' % r)
    n = max([r[0] for r in gt + trk])
    with open(f'{name}/seqinfo.ini','w') as fp: fp.write(f'[Sequence]\nname=SYNTH-01\nseqLength={n}\n')
print(' '.join(cases))
