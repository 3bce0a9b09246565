#!/bin/sh
# Runs TrackEval's MotChallenge2DBox evaluation (HOTA, CLEAR, Identity; pedestrian class, no parallelism) on one
# sequence folder written by make_sequence.py (gt.txt, tracker.txt, seqinfo.ini). See README.md.
#   run_trackeval.sh TRACKEVAL_DIR SEQ_DIR [WORK_DIR]
# TRACKEVAL_DIR is a scratch copy of github.com/JonathonLuiten/TrackEval with numpy ≥ 1.24 fixes applied
# (np.float/np.int/np.bool → float/int/bool); it needs numpy and scipy (Debian: /usr/bin/python3).
set -eu
trackeval=$1
seq=$2
work=${3:-$(mktemp -d)}
python=${PYTHON:-/usr/bin/python3}

name=SYNTH-01
mkdir -p "$work/gt/MOT17-train/$name/gt" "$work/gt/seqmaps" "$work/trackers/MOT17-train/ghostyolo/data"
cp "$seq/gt.txt" "$work/gt/MOT17-train/$name/gt/gt.txt"
cp "$seq/seqinfo.ini" "$work/gt/MOT17-train/$name/seqinfo.ini"
printf 'name\n%s\n' "$name" > "$work/gt/seqmaps/MOT17-train.txt"
cp "$seq/tracker.txt" "$work/trackers/MOT17-train/ghostyolo/data/$name.txt"

"$python" "$trackeval/scripts/run_mot_challenge.py" \
  --GT_FOLDER "$work/gt" --TRACKERS_FOLDER "$work/trackers" \
  --BENCHMARK MOT17 --SPLIT_TO_EVAL train --TRACKERS_TO_EVAL ghostyolo \
  --CLASSES_TO_EVAL pedestrian --METRICS HOTA CLEAR Identity \
  --USE_PARALLEL False --PLOT_CURVES False --PRINT_CONFIG False
echo "detailed results: $work/trackers/MOT17-train/ghostyolo/pedestrian_detailed.csv"
