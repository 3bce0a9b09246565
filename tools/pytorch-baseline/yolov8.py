"""Same-run PyTorch reference for GhostYolo's speed tables: YOLOv8n/s written out as ultralytics builds it (Conv = conv + BN +
SiLU, C2f with chunk/cat, SPPF, decoupled Detect head with DFL decoding), in plain PyTorch, NCHW, as ultralytics runs it on
a CPU. No ultralytics code or weights: the graph only, with random weights, which is all a timing needs.

    python3 yolov8.py train                # training steps at 320, batch 16 (fwd + backward + SGD), 1 and 2 threads
    python3 yolov8.py trace OUT.torchscript [--nc 80] [--scale n|s]
                                            # the fused inference graph (640, decoded output (1, 4+nc, 8400)) as TorchScript,
                                            # for `ghostyolo benchmark --baseline OUT.torchscript` (same run, same libtorch)

Needs PyTorch (Debian: apt-get install python3-torch). Debian's build uses a generic BLAS and AVX2 kernels, so time its
forward pass through `ghostyolo benchmark --baseline` rather than here; its batch-16 training convolutions go through
oneDNN like any PyTorch build's."""
import sys, time, torch, torch.nn as nn

class Conv(nn.Module):
    def __init__(s, c1, c2, k=1, st=1):
        super().__init__(); s.conv = nn.Conv2d(c1, c2, k, st, k // 2, bias=False); s.bn = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03); s.act = nn.SiLU()
    def forward(s, x): return s.act(s.bn(s.conv(x))) if hasattr(s, 'bn') else s.act(s.conv(x))
    def fuse(s):
        w = s.conv.weight; bn = s.bn; std = (bn.running_var + bn.eps).sqrt()
        c = nn.Conv2d(s.conv.in_channels, s.conv.out_channels, s.conv.kernel_size, s.conv.stride, s.conv.padding, bias=True)
        c.weight.data = w * (bn.weight / std).reshape(-1, 1, 1, 1); c.bias.data = bn.bias - bn.running_mean * bn.weight / std
        s.conv = c; del s.bn

class Bottleneck(nn.Module):
    def __init__(s, c, shortcut):
        super().__init__(); s.cv1 = Conv(c, c, 3); s.cv2 = Conv(c, c, 3); s.add = shortcut
    def forward(s, x): return x + s.cv2(s.cv1(x)) if s.add else s.cv2(s.cv1(x))

class C2f(nn.Module):
    def __init__(s, c1, c2, n, shortcut):
        super().__init__(); s.c = c2 // 2; s.cv1 = Conv(c1, 2 * s.c, 1); s.cv2 = Conv((2 + n) * s.c, c2, 1)
        s.m = nn.ModuleList(Bottleneck(s.c, shortcut) for _ in range(n))
    def forward(s, x):
        y = list(s.cv1(x).chunk(2, 1)); y.extend(m(y[-1]) for m in s.m); return s.cv2(torch.cat(y, 1))

class SPPF(nn.Module):
    def __init__(s, c1, c2):
        super().__init__(); c = c1 // 2; s.cv1 = Conv(c1, c, 1); s.cv2 = Conv(c * 4, c2, 1); s.m = nn.MaxPool2d(5, 1, 2)
    def forward(s, x):
        x = s.cv1(x); y1 = s.m(x); y2 = s.m(y1); return s.cv2(torch.cat((x, y1, y2, s.m(y2)), 1))

class YOLOv8(nn.Module):
    """YOLOv8 at scale n (width 0.25) or s (width 0.5); both have depth 0.33, so the block counts are n's."""
    def __init__(s, nc=4, scale='n'):
        super().__init__()
        w = {'n': 16, 's': 32}[scale]  # channels of the first conv; every other width is a multiple of it
        c1, c2, c3, c4, c5 = w, 2 * w, 4 * w, 8 * w, 16 * w
        s.b = nn.ModuleList([Conv(3, c1, 3, 2), Conv(c1, c2, 3, 2), C2f(c2, c2, 1, True), Conv(c2, c3, 3, 2), C2f(c3, c3, 2, True),
                             Conv(c3, c4, 3, 2), C2f(c4, c4, 2, True), Conv(c4, c5, 3, 2), C2f(c5, c5, 1, True), SPPF(c5, c5)])
        s.up = nn.Upsample(scale_factor=2, mode='nearest')
        s.h12 = C2f(c5 + c4, c4, 1, False); s.h15 = C2f(c4 + c3, c3, 1, False); s.h16 = Conv(c3, c3, 3, 2); s.h18 = C2f(c3 + c4, c4, 1, False)
        s.h19 = Conv(c4, c4, 3, 2); s.h21 = C2f(c4 + c5, c5, 1, False)
        box = max(16, c3 // 4, 64)     # ultralytics Detect: c2 = max(16, ch[0] // 4, reg_max * 4)
        cls = max(c3, min(nc, 100))    # c3 = max(ch[0], min(nc, 100))
        s.cv2 = nn.ModuleList(nn.Sequential(Conv(c, box, 3), Conv(box, box, 3), nn.Conv2d(box, 64, 1)) for c in (c3, c4, c5))
        s.cv3 = nn.ModuleList(nn.Sequential(Conv(c, cls, 3), Conv(cls, cls, 3), nn.Conv2d(cls, nc, 1)) for c in (c3, c4, c5))
    def forward(s, x):
        b = s.b; x = b[1](b[0](x)); x = b[2](x); x = b[3](x); p4 = b[4](x); x = b[5](p4); p6 = b[6](x); x = b[7](p6); x = b[8](x); p9 = b[9](x)
        h12 = s.h12(torch.cat([s.up(p9), p6], 1)); p3 = s.h15(torch.cat([s.up(h12), p4], 1))
        n4 = s.h18(torch.cat([s.h16(p3), h12], 1)); n5 = s.h21(torch.cat([s.h19(n4), p9], 1))
        feats = [torch.cat((s.cv2[i](f), s.cv3[i](f)), 1) for i, f in enumerate((p3, n4, n5))]
        return feats if s.training else s.decode(feats)

    def decode(s, feats):
        # ultralytics Detect at inference: DFL expectation over 16 bins, distances to xywh boxes in pixels, sigmoid scores.
        anchors, strides = [], []
        for f, st in zip(feats, (8, 16, 32)):
            h, w = f.shape[2:]
            sy, sx = torch.meshgrid(torch.arange(h) + 0.5, torch.arange(w) + 0.5, indexing='ij')
            anchors.append(torch.stack((sx, sy), -1).view(-1, 2)); strides.append(torch.full((h * w, 1), float(st)))
        anchors, strides = torch.cat(anchors).t().unsqueeze(0), torch.cat(strides).t().unsqueeze(0)
        x = torch.cat([f.flatten(2) for f in feats], 2)
        box, cls = x.split((64, x.shape[1] - 64), 1)
        b, _, a = box.shape
        dist = (box.view(b, 4, 16, a).transpose(2, 1).softmax(1) * torch.arange(16, dtype=torch.float).view(1, 16, 1, 1)).sum(1)
        lt, rb = dist.chunk(2, 1)
        x1y1, x2y2 = anchors - lt, anchors + rb
        return torch.cat((torch.cat(((x1y1 + x2y2) / 2, x2y2 - x1y1), 1) * strides, cls.sigmoid()), 1)

def median(xs): xs = sorted(xs); return xs[len(xs) // 2]

def train(threads):
    torch.manual_seed(0); torch.set_num_threads(threads)
    m = YOLOv8().train(); opt = torch.optim.SGD(m.parameters(), 0.001, momentum=0.9)
    x = torch.randint(0, 255, (16, 3, 320, 320), dtype=torch.uint8)
    fw, bw, tot = [], [], []
    for i in range(7):
        t0 = time.perf_counter(); out = m(x.float() / 255); t1 = time.perf_counter()
        loss = sum((o ** 2).mean() for o in out); loss.backward(); t2 = time.perf_counter()
        opt.step(); opt.zero_grad(); t3 = time.perf_counter()
        if i: fw.append(t1 - t0); bw.append(t2 - t1); tot.append(t3 - t0)
    print(f"| YOLOv8n (PyTorch {torch.__version__}, NCHW) | {threads} | {16 / median(tot):.1f} | {median(tot) * 1e3:.0f} | "
          f"{median(fw) * 1e3:.0f} | {median(bw) * 1e3:.0f} |")

def trace(path, nc, scale):
    torch.manual_seed(0)
    m = YOLOv8(nc, scale).eval()
    for mod in m.modules():
        if isinstance(mod, Conv): mod.fuse()
    with torch.no_grad():
        t = torch.jit.trace(m, torch.rand(1, 3, 640, 640))
    t.save(path)
    print(f"wrote {path}: YOLOv8{scale}, fused, {sum(p.numel() for p in m.parameters()):,} parameters, output {tuple(t(torch.rand(1, 3, 640, 640)).shape)}")

if __name__ == '__main__':
    if len(sys.argv) >= 2 and sys.argv[1] == 'train':
        print("Training steps at 320, batch 16 (forward + backward + SGD step; loss = mean of squares, no assigner)")
        print("| model | threads | images_per_s | step_ms | forward_ms | backward_ms |\n|---|---:|---:|---:|---:|---:|")
        for th in (1, 2): train(th)
    elif len(sys.argv) >= 3 and sys.argv[1] == 'trace':
        arg = lambda k, d: sys.argv[sys.argv.index(k) + 1] if k in sys.argv else d
        trace(sys.argv[2], int(arg('--nc', 80)), arg('--scale', 'n'))
    else:
        sys.exit(__doc__)
