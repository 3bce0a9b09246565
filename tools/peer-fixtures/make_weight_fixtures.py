#!/usr/bin/env python3
"""Write the checkpoint fixtures of tests/GhostYolo.Tests/Fixtures/Weights/ with the REAL reference tools.

This is GhostYolo's own script: it runs ultralytics 8.2.103 and yolov5 v7.0 as tools (their CLIs and loaders) from
scratch copies outside the project (see /work/shared/reference/peers.md for how those copies are made) and writes
small checkpoints plus the outputs the tools' own forward passes give for fixed inputs. None of their code is
copied here.

How to run (Debian 12, /usr/bin/python3 with Debian's python3-torch 1.13, python3-onnx, python3-opencv):

    PEER=/tmp/peer   # holds ul/ (ultralytics @25307552 = 8.2.103), thop/ (@87f13d1), yolov5/ (v7.0, with the
                     # tensorboard stub of peers.md in utils/loggers/__init__.py)
    OMP_NUM_THREADS=2 YOLO_OFFLINE=true YOLO_AUTOINSTALL=false YOLOv5_AUTOINSTALL=false \
    PYTHONPATH=$PEER/ul:$PEER/thop /usr/bin/python3 tools/peer-fixtures/make_weight_fixtures.py \
        --yolov5 $PEER/yolov5 --thop $PEER/thop --work $PEER/fx \
        --ghostyolo src/GhostYolo.Cli/bin/Release/net10.0/ghostyolo

The yolov5 steps run in child processes of this script with PYTHONPATH=<yolov5>:<thop> (yolov5 imports its
top-level `models` / `utils` packages, which must not meet ultralytics in one interpreter).

Steps (all under --work, then copied into --out):
  1. dataset: `ghostyolo dataset shapes --train 32 --val 16 --imgsz 96 --classes 3 --no-video` (its data.yaml's
     `path: .` is rewritten to the absolute folder: ultralytics resolves a relative path against its datasets_dir
     and yolov5 against its own ROOT, not against the YAML's folder).
  2. tiny-v8.yaml from ultralytics' cfg/models/v8/yolov8.yaml with nc: 3 and the single scale n: [0.33, 0.125, 1024].
  3. `yolo train model=tiny-v8.yaml data=... epochs=2 imgsz=64 batch=8 save_period=1 ...` -> best.pt (stripped) and
     epoch1.pt (0-based; = the unstripped last.pt with ema/optimizer, which the trainer itself strips at the end).
  4. yolov5 train.py --cfg yolov5-tiny.yaml --img 64 --epochs 1 --noautoanchor --save-period 1 -> best.pt, epoch0.pt.
  5. expected outputs of each checkpoint from the tool's own loader, unfused, eval, fp32.
  6. state_dict .pt, a hand-written .safetensors, `yolo export format=onnx imgsz=64 simplify=False`.
  7. storage-kinds.pt / .json.
  8. README.md.
"""
import argparse
import collections
import hashlib
import json
import math
import os
import pickletools
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

LAST_MAX_BYTES = 2_000_000  # the unstripped last.pt files are kept only below this size


def sh(cmd, cwd=None, env=None):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, check=True)


def det_input(h, w):
    """Deterministic float32 (1,3,h,w) image in [0,1]: smooth waves plus a few flat rectangles (no RNG involved)."""
    import numpy as np

    c, y, x = np.meshgrid(np.arange(3), np.arange(h), np.arange(w), indexing="ij")
    img = 0.5 + 0.25 * np.sin(0.31 * y + 0.17 * x + 1.3 * c) + 0.2 * np.cos(0.05 * x * y / 8 + 0.7 * c)
    img[:, h // 4 : h // 2, w // 5 : w // 2] = np.array([0.9, 0.2, 0.1])[:, None, None]  # a red block
    img[:, (2 * h) // 3 : (5 * h) // 6, (3 * w) // 5 : (9 * w) // 10] = np.array([0.1, 0.3, 0.95])[:, None, None]
    return np.clip(img, 0, 1).astype("<f4")[None].copy()


def write_f32(path, arr):
    import numpy as np

    np.ascontiguousarray(arr, dtype="<f4").tofile(path)


def stats(arr):
    a = arr.astype("float64")
    return {"sum": float(a.sum()), "abs_sum": float(abs(a).sum()), "min": float(a.min()), "max": float(a.max()),
            "sha256": hashlib.sha256(arr.astype("<f4").tobytes()).hexdigest()}


def pickle_globals(path):
    """Distinct GLOBAL / STACK_GLOBAL names in the data.pkl of a torch zip checkpoint."""
    with zipfile.ZipFile(path) as z:
        pkl = [n for n in z.namelist() if n.endswith("data.pkl")][0]
        data = z.read(pkl)
    names, strings = set(), []
    for op, arg, _ in pickletools.genops(data):
        if op.name == "GLOBAL":
            names.add(arg.replace(" ", "."))
        elif op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE", "BINUNICODE8"):
            strings.append(arg)
        elif op.name == "STACK_GLOBAL":
            names.add(f"{strings[-2]}.{strings[-1]}")
    return sorted(names)


# ----------------------------------------------------------------------------------------------------------------
# ultralytics side (this interpreter)
# ----------------------------------------------------------------------------------------------------------------
def ul_cli(args, work, env):
    sh([sys.executable, "-c", "from ultralytics.cfg import entrypoint; entrypoint()", *args], cwd=work, env=env)


def ul_expect(ckpt_path, name, out, cases, extra=None):
    """Run the ultralytics loader + forward (unfused, eval, fp32) and write <name>.input/.output.bin + <name>.json."""
    import torch
    from ultralytics.nn.tasks import attempt_load_one_weight

    model, ckpt = attempt_load_one_weight(str(ckpt_path), device="cpu", inplace=True, fuse=False)
    model = model.float().eval()
    nc = int(model.nc) if hasattr(model, "nc") else len(model.names)
    results = []
    for tag, (h, w) in cases:
        x = det_input(h, w)
        with torch.no_grad():
            y = model(torch.from_numpy(x))[0].numpy()
        stem = f"{name}{tag}"
        write_f32(out / f"{stem}.input.bin", x)
        write_f32(out / f"{stem}.output.bin", y)
        results.append({"input": f"{stem}.input.bin", "input_shape": list(x.shape), "output": f"{stem}.output.bin",
                        "output_shape": list(y.shape), "output_stats": stats(y)})
    top = {k: (v if not hasattr(v, "__dict__") else type(v).__name__) for k, v in ckpt.items()
           if k not in ("model", "ema", "optimizer", "train_args", "train_results", "train_metrics")}
    doc = {
        "checkpoint": ckpt_path.name if isinstance(ckpt_path, Path) else str(ckpt_path),
        "tool": "ultralytics 8.2.103 (commit 25307552100e4c03c8fec7b0f7286b4244018e15)",
        "loader": "ultralytics.nn.tasks.attempt_load_one_weight(f, device='cpu', inplace=True, fuse=False); "
                  "model.float().eval(); y = model(x)[0]",
        "model_class": f"{type(model).__module__}.{type(model).__name__}",
        "nc": nc,
        "names": {str(k): v for k, v in model.names.items()},
        "stride": [float(s) for s in model.stride],
        "imgsz": (ckpt.get("train_args") or {}).get("imgsz"),
        "yaml_file": model.yaml.get("yaml_file"),
        "scale": model.yaml.get("scale"),
        "checkpoint_keys": {k: type(v).__name__ for k, v in ckpt.items()},
        "checkpoint_scalars": {k: v for k, v in top.items() if isinstance(v, (int, float, str, type(None)))},
        "input": "float32 little-endian, C order, NCHW, RGB in [0,1] (det_input() of the script)",
        "output_layout": "(batch, 4 + nc, anchors): xywh in input pixels, then per-class sigmoid scores; "
                          "anchors ordered P3 (stride 8) row-major, then P4, then P5",
        "cases": results,
    }
    if extra:
        doc.update(extra)
    (out / f"{name}.json").write_text(json.dumps(doc, indent=1) + "\n")
    return model, ckpt, doc


def write_safetensors(path, state_dict, metadata):
    """safetensors by hand: u64 LE header length, JSON header (name -> dtype/shape/data_offsets, __metadata__), data."""
    import torch

    codes = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64",
             torch.int32: "I32", torch.uint8: "U8", torch.int8: "I8", torch.bool: "BOOL", torch.float64: "F64"}
    header, blobs, offset = {"__metadata__": {k: str(v) for k, v in metadata.items()}}, [], 0
    for k, t in state_dict.items():
        t = t.detach().contiguous().cpu()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().astype(
            t.numpy().dtype.newbyteorder("<")).tobytes()
        header[k] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * (-len(hb) % 8)  # pad the header with spaces to 8 bytes, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    import numpy as np
    import torch

    np_types = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "U8": "u1", "I8": "i1", "F64": "<f8"}
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base, sd = 8 + n, collections.OrderedDict()
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        sd[k] = torch.from_numpy(np.frombuffer(data[base + a : base + b], dtype=np_types[v["dtype"]]).reshape(
            v["shape"]).copy())
    return sd, header.get("__metadata__", {})


def ul_steps(a, out, env, data_yaml):
    import numpy as np
    import torch

    work = a.work
    import ultralytics

    ul_root = Path(ultralytics.__file__).parent
    # 2. tiny-v8.yaml
    src = (ul_root / "cfg/models/v8/yolov8.yaml").read_text().splitlines()
    lines = []
    for ln in src:
        if ln.startswith("nc: "):
            lines.append("nc: 3 # number of classes")
        elif ln.startswith("scales:"):
            lines.append("scales: # single narrow scale for test fixtures; [depth, width, max_channels]")
            lines.append("  n: [0.33, 0.125, 1024]")
        elif ln.startswith("  # [depth, width") or (ln.startswith("  ") and ln[2:3] in "nslmx" and ln[3:5] == ": "):
            continue
        else:
            lines.append(ln)
    lines[1:1] = ["# GhostYolo test fixture: ultralytics 8.2.103 yolov8.yaml, nc 3, one narrow scale (width 0.125)"]
    (work / "tiny-v8.yaml").write_text("\n".join(lines) + "\n")
    shutil.copy(work / "tiny-v8.yaml", out / "tiny-v8.yaml")

    # 3. train
    run = work / "runs" / "v8tiny"
    if not (run / "weights" / "best.pt").exists() or a.retrain:
        ul_cli(["train", f"model={work / 'tiny-v8.yaml'}", f"data={data_yaml}", "epochs=2", "imgsz=64", "batch=8",
                "workers=0", "device=cpu", f"project={work / 'runs'}", "name=v8tiny", "exist_ok=True", "seed=0",
                "deterministic=True", "plots=False", "save_period=1"], work, env)
    shutil.copy(run / "weights" / "best.pt", out / "ul-v8-tiny.pt")
    last_full = run / "weights" / "epoch1.pt"  # (0-based epochs) unstripped last.pt bytes (save_model writes the same buffer)
    notes = {"ul_last_unstripped_bytes": last_full.stat().st_size, "ul_last_unstripped_path": str(last_full)}
    if last_full.stat().st_size < LAST_MAX_BYTES:
        shutil.copy(last_full, out / "ul-v8-tiny-last.pt")

    # 4/5. expected outputs + state_dict + safetensors
    cases = [("", (64, 64)), (".h96w64", (96, 64))]
    model, ckpt, doc = ul_expect(out / "ul-v8-tiny.pt", "ul-v8-tiny", out, cases, extra={
        "also_valid_for": ["ul-v8-tiny.state_dict.pt", "ul-v8-tiny.safetensors"],
        "state_dict_note": "same weights as ul-v8-tiny.pt (fp16 in the checkpoint and in the state_dict / safetensors); "
                           "build DetectionModel('tiny-v8.yaml', nc=3) and load the state_dict to reproduce"})
    if (out / "ul-v8-tiny-last.pt").exists():
        ul_expect(out / "ul-v8-tiny-last.pt", "ul-v8-tiny-last", out, cases[:1])

    # fp16, the checkpoint's own precision (exact, and half the bytes of fp32); BatchNorm counters stay int64
    sd = {k: (v.half() if v.is_floating_point() else v) for k, v in model.float().state_dict().items()}
    torch.save(sd, out / "ul-v8-tiny.state_dict.pt")
    write_safetensors(out / "ul-v8-tiny.safetensors", sd, {
        "format": "pt", "source": "ul-v8-tiny.pt (ultralytics 8.2.103 best.pt) state_dict, fp16 (the checkpoint's own precision)",
        "yaml": "tiny-v8.yaml", "nc": model.nc, "names": json.dumps({str(k): v for k, v in model.names.items()}),
        "stride": json.dumps([float(s) for s in model.stride])})

    # verify state_dict / safetensors reproduce the outputs through a freshly built ultralytics model
    from ultralytics.nn.tasks import DetectionModel

    for label, sdx in (("state_dict", torch.load(out / "ul-v8-tiny.state_dict.pt")),
                       ("safetensors", read_safetensors(out / "ul-v8-tiny.safetensors")[0])):
        m = DetectionModel(str(work / "tiny-v8.yaml"), nc=3, verbose=False)
        m.load_state_dict(sdx, strict=True)
        m.eval()
        for c in doc["cases"]:
            x = np.fromfile(out / c["input"], dtype="<f4").reshape(c["input_shape"])
            with torch.no_grad():
                y = m(torch.from_numpy(x))[0].numpy()
            ref = np.fromfile(out / c["output"], dtype="<f4").reshape(c["output_shape"])
            d = float(abs(y - ref).max())
            print(f"check {label} {c['input']}: max |diff| = {d}")
            assert d == 0.0, f"{label} does not reproduce {c['output']}"

    # 6. ONNX export (from a copy: the exporter writes next to the .pt)
    exp_dir = work / "export"
    exp_dir.mkdir(exist_ok=True)
    shutil.copy(out / "ul-v8-tiny.pt", exp_dir / "ul-v8-tiny.pt")
    ul_cli(["export", f"model={exp_dir / 'ul-v8-tiny.pt'}", "format=onnx", "imgsz=64", "simplify=False"], work, env)
    shutil.copy(exp_dir / "ul-v8-tiny.onnx", out / "ul-v8-tiny.onnx")
    onnx_json(out, work)
    return notes


def onnx_json(out, work):
    import numpy as np
    import onnx
    import torch
    from ultralytics.nn.tasks import attempt_load_one_weight

    om = onnx.load(str(out / "ul-v8-tiny.onnx"))
    meta = {p.key: p.value for p in om.metadata_props}
    opsets = {o.domain or "ai.onnx": o.version for o in om.opset_import}
    ins = [(i.name, [d.dim_value or d.dim_param for d in i.type.tensor_type.shape.dim]) for i in om.graph.input]
    outs = [(o.name, [d.dim_value or d.dim_param for d in o.type.tensor_type.shape.dim]) for o in om.graph.output]
    x = np.fromfile(out / "ul-v8-tiny.input.bin", dtype="<f4").reshape(1, 3, 64, 64)

    # The exporter runs a fused copy of the model with Detect.export=True: reproduce that in torch.
    model, _ = attempt_load_one_weight(str(out / "ul-v8-tiny.pt"), device="cpu", inplace=True, fuse=False)
    model = model.float().eval().fuse()
    for m in model.modules():
        if hasattr(m, "export") and hasattr(m, "format"):
            m.export, m.format, m.dynamic = True, "onnx", False
    with torch.no_grad():
        y_fused = model(torch.from_numpy(x))
    y_fused = (y_fused[0] if isinstance(y_fused, (list, tuple)) else y_fused).numpy()
    write_f32(out / "ul-v8-tiny.onnx.output.bin", y_fused)
    ref = np.fromfile(out / "ul-v8-tiny.output.bin", dtype="<f4").reshape(y_fused.shape)

    cross = {"onnxruntime": "not installed (Debian 12 has no package); no ONNX runtime run in Python"}
    try:
        import cv2

        net = cv2.dnn.readNetFromONNX(str(out / "ul-v8-tiny.onnx"))
        net.setInput(x)
        y_cv = net.forward()
        cross["opencv_dnn"] = {"version": cv2.__version__, "shape": list(y_cv.shape),
                               "max_abs_diff_vs_fused_torch": float(abs(y_cv - y_fused).max()),
                               "max_abs_diff_vs_unfused_torch": float(abs(y_cv - ref).max())}
    except Exception as e:  # noqa: BLE001
        cross["opencv_dnn"] = f"failed: {e}"
    doc = {
        "model": "ul-v8-tiny.onnx",
        "command": "yolo export model=ul-v8-tiny.pt format=onnx imgsz=64 simplify=False (ultralytics 8.2.103)",
        "producer": f"{om.producer_name} {om.producer_version}", "ir_version": om.ir_version, "opset": opsets,
        "inputs": ins, "outputs": outs, "metadata_props": meta,
        "cases": [{"input": "ul-v8-tiny.input.bin", "input_shape": list(x.shape),
                   "output": "ul-v8-tiny.onnx.output.bin", "output_shape": list(y_fused.shape),
                   "output_stats": stats(y_fused),
                   "note": "torch forward of the fused model with Detect.export=True, format='onnx' (what the "
                           "exporter traces); ul-v8-tiny.output.bin (unfused) is the same up to float rounding",
                   "max_abs_diff_fused_vs_unfused": float(abs(y_fused - ref).max())}],
        "cross_check": cross,
    }
    (out / "ul-v8-tiny.onnx.json").write_text(json.dumps(doc, indent=1) + "\n")


# ----------------------------------------------------------------------------------------------------------------
# yolov5 side (child processes with PYTHONPATH=<yolov5>:<thop>)
# ----------------------------------------------------------------------------------------------------------------
def v5_expect_child(ckpt_path, name, out):
    import numpy as np  # noqa: F401
    import torch
    from models.experimental import attempt_load

    ckpt = torch.load(ckpt_path, map_location="cpu")
    model = attempt_load(str(ckpt_path), device="cpu", inplace=True, fuse=False).float().eval()
    x = det_input(64, 64)
    with torch.no_grad():
        y = model(torch.from_numpy(x))[0].numpy()
    write_f32(out / f"{name}.input.bin", x)
    write_f32(out / f"{name}.output.bin", y)
    det = model.model[-1]
    scal = {}
    for k, v in ckpt.items():
        if isinstance(v, (int, float, str, type(None))):
            scal[k] = v
        elif type(v).__module__ == "numpy":
            scal[k] = {"numpy": type(v).__name__, "dtype": str(v.dtype), "shape": list(v.shape),
                       "values": np.asarray(v).ravel().tolist()}
    doc = {
        "checkpoint": Path(ckpt_path).name,
        "tool": "yolov5 v7.0",
        "loader": "models.experimental.attempt_load(f, device='cpu', inplace=True, fuse=False).float().eval(); "
                  "y = model(x)[0]",
        "model_class": f"{type(model).__module__}.{type(model).__name__}",
        "nc": int(model.nc),
        "names": {str(k): v for k, v in model.names.items()},
        "stride": [float(s) for s in model.stride],
        "imgsz": (ckpt.get("opt") or {}).get("imgsz"),
        "anchors_pixels": (det.anchors * det.stride.view(-1, 1, 1)).tolist(),
        "anchors_grid_units": det.anchors.tolist(),
        "checkpoint_keys": {k: type(v).__name__ for k, v in ckpt.items()},
        "checkpoint_scalars": scal,
        "input": "float32 little-endian, C order, NCHW, RGB in [0,1] (det_input() of the script)",
        "output_layout": "(batch, anchors, 5 + nc): xywh in input pixels, objectness, per-class scores (all "
                          "sigmoid); rows ordered P3 (stride 8) anchor-major then y, x; then P4; then P5",
        "cases": [{"input": f"{name}.input.bin", "input_shape": list(x.shape), "output": f"{name}.output.bin",
                   "output_shape": list(y.shape), "output_stats": stats(y)}],
    }
    (out / f"{name}.json").write_text(json.dumps(doc, indent=1) + "\n")


def v5_steps(a, out, data_yaml):
    v5 = a.yolov5
    env = dict(os.environ, PYTHONPATH=f"{v5}:{a.thop}")
    cfg = (v5 / "models/yolov5n.yaml").read_text()
    cfg = cfg.replace("nc: 80  # number of classes", "nc: 3  # number of classes")
    cfg = cfg.replace("width_multiple: 0.25  # layer channel multiple", "width_multiple: 0.125  # layer channel multiple")
    cfg = cfg.replace("# Parameters", "# GhostYolo test fixture: yolov5 v7.0 yolov5n.yaml with nc 3, width 0.125\n"
                                      "# Parameters", 1)
    (a.work / "yolov5-tiny.yaml").write_text(cfg)
    shutil.copy(a.work / "yolov5-tiny.yaml", out / "yolov5-tiny.yaml")
    run = a.work / "runs" / "v5tiny"
    if not (run / "weights" / "best.pt").exists() or a.retrain:
        sh([sys.executable, "train.py", "--img", "64", "--batch", "8", "--epochs", "1", "--data", data_yaml,
            "--cfg", a.work / "yolov5-tiny.yaml", "--weights", "", "--device", "cpu", "--workers", "0",
            "--project", a.work / "runs", "--name", "v5tiny", "--exist-ok", "--noautoanchor", "--noplots",
            "--save-period", "1", "--seed", "0"], cwd=v5, env=env)
    shutil.copy(run / "weights" / "best.pt", out / "v5-tiny.pt")
    last_full = run / "weights" / "epoch0.pt"
    notes = {"v5_last_unstripped_bytes": last_full.stat().st_size, "v5_last_unstripped_path": str(last_full)}
    todo = [("v5-tiny.pt", "v5-tiny")]
    if last_full.stat().st_size < LAST_MAX_BYTES or a.keep_v5_last:
        shutil.copy(last_full, out / "v5-tiny-last.pt")
        todo.append(("v5-tiny-last.pt", "v5-tiny-last"))
    for f, name in todo:
        sh([sys.executable, Path(__file__).resolve(), "--child-v5-expect", out / f, name, out], cwd=v5, env=env)
    return notes


# ----------------------------------------------------------------------------------------------------------------
# storage kinds
# ----------------------------------------------------------------------------------------------------------------
def storage_kinds(out):
    import torch

    a = torch.arange(12.0).view(3, 4)
    base64 = torch.arange(20, dtype=torch.int64) * 3 - 7
    half = (torch.arange(6, dtype=torch.float32).view(2, 3) / 3 - 0.75).half()
    obj = collections.OrderedDict()
    obj["fp16"] = half
    obj["bf16"] = torch.tensor([[1.5, -2.25, 3.0e-3], [65504.0, -0.0, 1.0e20]], dtype=torch.bfloat16)
    obj["fp32"] = torch.tensor([[0.1, -1.0, 3.4e38], [1.0e-40, 2.5, -7.125]], dtype=torch.float32)
    obj["fp64"] = torch.tensor([math.pi, -math.e, 1.0e-300], dtype=torch.float64)
    obj["int64"] = torch.tensor([[-(2**62), -1, 0], [1, 2**40, 2**63 - 1]], dtype=torch.int64)
    obj["int32"] = torch.tensor([-(2**31), 7, 2**31 - 1], dtype=torch.int32)
    obj["int8"] = torch.tensor([-128, -1, 0, 127], dtype=torch.int8)
    obj["uint8"] = torch.tensor([0, 1, 200, 255], dtype=torch.uint8)
    obj["bool"] = torch.tensor([True, False, True])
    obj["scalar0d"] = torch.tensor(2.5)
    obj["empty"] = torch.zeros(0, 4)
    obj["shared_a"] = a  # storage of 12 floats
    obj["shared_b"] = a[1]  # same storage, offset 4, shape (4,)
    obj["transposed"] = a.t()  # same storage, shape (4,3), stride (1,4): non-contiguous
    obj["strided_cols"] = a[:, ::2]  # same storage, shape (3,2), stride (4,2)
    obj["offset_view"] = base64[5:9]  # own storage of 20 int64, offset 5
    obj["offset_view_2d"] = base64[2:14].view(3, 4)[1:, 1:3]  # offset 2+4+1=7, stride (4,1), shape (2,2)
    inner = collections.OrderedDict()
    inner["w"] = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    inner["deeper"] = collections.OrderedDict([("b", torch.tensor([9, 8, 7], dtype=torch.int64)),
                                               ("same_as_fp16", half)])  # shares fp16's storage
    obj["nested"] = inner
    obj["plain"] = {"int": 3, "float": 0.5, "str": "yolo", "none": None, "bool": True, "list": [1, 2.0, "x"],
                    "tuple": (4, 5), "big_int": 2**40}
    torch.save(obj, out / "storage-kinds.pt")

    # describe
    ids = {}
    desc = collections.OrderedDict()

    def walk(prefix, v):
        if isinstance(v, torch.Tensor):
            sk = v.storage().data_ptr() if v.numel() else None
            entry = {"type": "tensor", "dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                     "stride": list(v.stride()), "storage_offset": v.storage_offset(),
                     "storage_numel": v.storage().size(), "contiguous": v.is_contiguous()}
            if sk is not None and sk in ids:
                entry["shares_storage_with"] = ids[sk]
            elif sk is not None:
                ids[sk] = prefix
            flat = v.detach().contiguous().view(-1)
            if v.dtype == torch.bfloat16:
                flat = flat.float()
            vals = flat.tolist()
            entry["values"] = [(x if not (isinstance(x, float) and not math.isfinite(x)) else str(x)) for x in vals]
            desc[prefix] = entry
        elif isinstance(v, dict):
            desc[prefix] = {"type": type(v).__module__ + "." + type(v).__name__, "keys": list(v.keys())} if prefix \
                else None
            if not prefix:
                desc.pop(prefix)
            for k, x in v.items():
                walk(f"{prefix}.{k}" if prefix else k, x)
        else:
            desc[prefix] = {"type": type(v).__name__, "value": list(v) if isinstance(v, tuple) else v}

    walk("", obj)
    doc = {"file": "storage-kinds.pt", "writer": "torch.save (torch 1.13, zip format, pickle protocol 2)",
           "root_type": "collections.OrderedDict", "root_keys": list(obj.keys()),
           "key_paths": "dotted paths into nested dicts", "values": "flat, C order of the logical tensor "
           "(bf16/fp16 widened exactly to double)", "entries": desc}
    (out / "storage-kinds.json").write_text(json.dumps(doc, indent=1) + "\n")
    # sanity: round-trip
    back = torch.load(out / "storage-kinds.pt")
    assert back["shared_b"].storage().data_ptr() == back["shared_a"].storage().data_ptr()
    assert back["shared_b"].storage_offset() == 4 and not back["transposed"].is_contiguous()


# ----------------------------------------------------------------------------------------------------------------
def readme(out, notes, data_yaml):
    def sz(f):
        p = out / f
        return f"{p.stat().st_size:,} B" if p.exists() else "absent"

    rows = [
        ("tiny-v8.yaml", "ultralytics 8.2.103 cfg/models/v8/yolov8.yaml with `nc: 3` and the one scale "
         "`n: [0.33, 0.125, 1024]`; written by make_weight_fixtures.py"),
        ("ul-v8-tiny.pt", "REAL ultralytics best.pt (stripped by the trainer: fp16 'model', ema/optimizer None, "
         "epoch -1, train_args, train_metrics, train_results): `yolo train model=tiny-v8.yaml data=<3-class shapes, "
         "32/16 images at 96> epochs=2 imgsz=64 batch=8 workers=0 device=cpu seed=0 deterministic=True plots=False "
         "save_period=1`; nc 3 (circle, square, triangle)"),
        ("ul-v8-tiny-last.pt", "the unstripped last.pt ('model': None, 'ema', fp16 'optimizer')"),
        ("ul-v8-tiny.json", "expectations for ul-v8-tiny.pt (and its state_dict / safetensors): "
         "attempt_load_one_weight(fuse=False).float().eval(), model(x)[0]; cases 64x64 and H96xW64"),
        ("ul-v8-tiny.input.bin", "input (1,3,64,64) float32 LE"),
        ("ul-v8-tiny.output.bin", "ultralytics output (1,7,84) float32 LE"),
        ("ul-v8-tiny.h96w64.input.bin", "input (1,3,96,64) float32 LE"),
        ("ul-v8-tiny.h96w64.output.bin", "ultralytics output (1,7,126) float32 LE"),
        ("ul-v8-tiny.state_dict.pt", "torch.save(state_dict in fp16) of ul-v8-tiny.pt (the checkpoint's own fp16 values, "
         "with num_batches_tracked int64)"),
        ("ul-v8-tiny.safetensors", "the same state_dict written by make_weight_fixtures.py's own "
         "json+struct writer (F16 / I64, __metadata__ with nc, names, stride)"),
        ("ul-v8-tiny.onnx", "`yolo export model=ul-v8-tiny.pt format=onnx imgsz=64 simplify=False` (fused, "
         "static 1x3x64x64, opset in ul-v8-tiny.onnx.json)"),
        ("ul-v8-tiny.onnx.json", "ONNX opset, inputs/outputs, metadata_props, expected output"),
        ("ul-v8-tiny.onnx.output.bin", "torch output of the fused export-mode model for ul-v8-tiny.input.bin"),
        ("yolov5-tiny.yaml", "yolov5 v7.0 models/yolov5n.yaml with nc 3 and width_multiple 0.125 (v7.0 anchors)"),
        ("v5-tiny.pt", "REAL yolov5 v7.0 best.pt (stripped: fp16 'model', ema/optimizer/best_fitness None, "
         "epoch -1, 'opt', 'git', 'date'): `train.py --img 64 --batch 8 --epochs 1 --cfg yolov5-tiny.yaml "
         "--weights '' --device cpu --workers 0 --noautoanchor --noplots --save-period 1 --seed 0`"),
        ("v5-tiny-last.pt", "yolov5's unstripped last.pt (epoch0.pt): fp16 'model' and 'ema', SGD "
         "'optimizer', numpy best_fitness"),
        ("v5-tiny.json", "expectations: attempt_load(fuse=False).float().eval(), model(x)[0]"),
        ("v5-tiny.input.bin", "input (1,3,64,64) float32 LE (same bytes as ul-v8-tiny.input.bin)"),
        ("v5-tiny.output.bin", "yolov5 output (1,252,8) float32 LE"),
        ("v5-tiny-last.json", "expectations for v5-tiny-last.pt (loader takes 'ema')"),
        ("v5-tiny-last.input.bin", "input (1,3,64,64)"),
        ("v5-tiny-last.output.bin", "yolov5 output (1,252,8)"),
        ("storage-kinds.pt", "torch.save'd OrderedDict of storage forms (fp16/bf16/fp32/fp64/int64/int32/int8/"
         "uint8/bool, 0-d, empty, shared storages, transposed/strided/offset views, nested dicts, plain values)"),
        ("storage-kinds.json", "for every key path: dtype, shape, stride, storage_offset, storage sharing, "
         "values flat in C order"),
    ]
    lines = ["# Checkpoint fixtures written by the reference tools",
             "",
             "Written by `tools/peer-fixtures/make_weight_fixtures.py` (how to run: see its docstring) with "
             "ultralytics 8.2.103 and yolov5 v7.0 run from source on Debian 12's torch 1.13.0a0 / numpy 1.24.2. "
             "Training data: `ghostyolo dataset shapes --train 32 --val 16 --imgsz 96 --classes 3 --no-video` "
             "(data.yaml `path` made absolute). Inputs are deterministic (no RNG); `.bin` = raw float32 "
             "little-endian in C order; shapes in the `.json` files.",
             "",
             "| file | size | what / how |", "|---|---:|---|"]
    for f, what in rows:
        if (out / f).exists():
            lines.append(f"| `{f}` | {sz(f)} | {what} |")
    lines += ["", "Not kept (too big for fixtures): "
              + ", ".join(f"{k} = {v:,} B" for k, v in notes.items() if k.endswith("_bytes")
                          and not (out / ("ul-v8-tiny-last.pt" if k.startswith("ul") else "v5-tiny-last.pt")).exists())
              + " (the trainers' unstripped last.pt, kept under --work as epoch<N>.pt by save_period=1)",
              "",
              "## JSON schema of `<name>.json` (checkpoint expectations)",
              "`checkpoint`, `tool`, `loader` (the exact call), `model_class`, `nc`, `names` {\"0\": name, ...}, "
              "`stride` [8,16,32], `imgsz` (train_args.imgsz / opt.imgsz), `checkpoint_keys` {key: python type}, "
              "`checkpoint_scalars` (plain values; numpy values as {numpy, dtype, shape, values}), `input`, "
              "`output_layout`, and `cases`: [{`input`, `input_shape`, `output`, `output_shape`, `output_stats` "
              "{sum, abs_sum, min, max, sha256 of the output bytes}}]. ultralytics adds `yaml_file`, `scale`, "
              "`also_valid_for`; yolov5 adds `anchors_pixels` and `anchors_grid_units` (the Detect buffer). "
              "`ul-v8-tiny.onnx.json` has `opset`, `ir_version`, `producer`, `inputs`/`outputs` [name, dims], "
              "`metadata_props`, `cases`, `cross_check`.",
              "",
              "## Pickle globals (distinct GLOBAL opcodes of each data.pkl; pickle protocol 2)"]
    for p in sorted(out.glob("*.pt")):
        lines.append(f"- `{p.name}`: " + ", ".join(f"`{g}`" for g in pickle_globals(p)))
    lines += ["", f"Total: {sum(p.stat().st_size for p in out.iterdir() if p.is_file() and p.name != 'README.md'):,} B "
              "(without this README)."]
    (out / "README.md").write_text("\n".join(lines) + "\n")


def main():
    here = Path(__file__).resolve()
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=here.parents[2] / "tests/GhostYolo.Tests/Fixtures/Weights")
    ap.add_argument("--work", type=Path, default=Path("/tmp/peer/fx"))
    ap.add_argument("--yolov5", type=Path, default=Path("/tmp/peer/yolov5"))
    ap.add_argument("--thop", type=Path, default=Path("/tmp/peer/thop"))
    ap.add_argument("--ghostyolo", type=Path, default=here.parents[2] / "src/GhostYolo.Cli/bin/Release/net10.0/ghostyolo")
    ap.add_argument("--data", type=Path, help="existing 3-class YOLO data.yaml (absolute path:); default: make one")
    ap.add_argument("--retrain", action="store_true", help="train again even if the runs exist under --work")
    ap.add_argument("--keep-v5-last", action="store_true", help="keep v5-tiny-last.pt even above 2 MB")
    ap.add_argument("--child-v5-expect", nargs=3, metavar=("CKPT", "NAME", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child_v5_expect:
        sys.path.insert(0, os.getcwd())
        c, n, o = a.child_v5_expect
        v5_expect_child(Path(c), n, Path(o))
        return
    a.work, a.out, a.yolov5, a.thop = a.work.resolve(), a.out.resolve(), a.yolov5.resolve(), a.thop.resolve()
    a.work.mkdir(parents=True, exist_ok=True)
    a.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("YOLO_OFFLINE", "true")
    os.environ.setdefault("YOLO_AUTOINSTALL", "false")
    os.environ.setdefault("YOLOv5_AUTOINSTALL", "false")
    env = dict(os.environ)

    data_yaml = a.data
    if data_yaml is None:
        ds = a.work / "tiny3"
        if not (ds / "data.yaml").exists():
            sh([a.ghostyolo, "dataset", "shapes", "--out", ds, "--train", "32", "--val", "16", "--imgsz", "96",
                "--classes", "3", "--no-video"])
        txt = (ds / "data.yaml").read_text().splitlines()
        txt = [f"path: {ds}" if ln.strip().startswith("path:") else ln for ln in txt]
        (ds / "data.yaml").write_text("\n".join(txt) + "\n")
        data_yaml = ds / "data.yaml"

    notes = ul_steps(a, a.out, env, data_yaml)
    notes.update(v5_steps(a, a.out, data_yaml))
    storage_kinds(a.out)
    readme(a.out, notes, data_yaml)
    print(json.dumps(notes, indent=1))
    for p in sorted(a.out.iterdir()):
        if p.suffix == ".pt":
            print(p.name, pickle_globals(p))


if __name__ == "__main__":
    main()
