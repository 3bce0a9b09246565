using System.Diagnostics;
using System.Runtime.CompilerServices;
using GhostYolo.Data;
using GhostYolo.Data.Transforms;
using GhostYolo.Engine.Sources;
using GhostYolo.Metrics;
using GhostYolo.Nn;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Engine;

/// <summary>
/// Runs a detector over a frame source as a streaming pipeline (ultralytics <c>BasePredictor.stream_inference</c>):
/// a decode thread reads and letterboxes frames into a bounded queue while the calling thread batches them, runs the
/// model and NMS, and yields one <see cref="FrameResult"/> per frame. Memory stays flat however long the video:
/// at most <see cref="PredictOptions.QueueCapacity"/> decoded frames wait, and every Mat and tensor is released.
/// </summary>
/// <remarks>
/// Preprocessing mirrors ultralytics predict (training.md §7): <c>LetterBox(imgsz, auto=True, stride=32)</c>, so a
/// 640×480 frame is a 480×640 input and a 1280×720 frame a 384×640 one; BGR→RGB, CHW, /255. Consecutive frames with
/// the same input shape are batched (ultralytics letterboxes a mixed-shape batch square instead; here each frame keeps
/// its own minimal shape, which gives the batch-1 result). The model is switched to eval and fused once.
/// <para>
/// One call at a time: a predictor runs one image or one stream at a time, so calls from several threads must not
/// overlap. A server serializes requests on one predictor (a <see cref="SemaphoreSlim"/>, as
/// <c>samples/GhostYolo.Samples.Web</c> does; libtorch and ONNX Runtime already spread one image over every core, so a CPU
/// loses little), or keeps a pool of predictors, each loaded from the same file, with the intra-op threads
/// (<see cref="Platform.GhostYoloRuntime"/>) split between them.
/// </para>
/// <para>
/// A predictor holds the network's native memory (libtorch weights, an ONNX Runtime session): dispose it when done.
/// </para>
/// </remarks>
public sealed class Predictor : IDisposable
{
    private readonly InferenceRunner _runner;
    private readonly LetterBox _letterBox;
    private readonly NmsOptions _nms;
    private readonly ILogger _logger;
    private bool _warmedUp;
    /// <summary>The network <see cref="Load"/> built for this predictor (no one else holds it); null when the caller passed one in.</summary>
    private DetectionModel? _ownedModel;

    /// <param name="model">The loaded model (see <see cref="ModelLoader"/>); it is put into its inference form in place
    /// (eval, fused, channels-last, bf16 if asked and supported) and given an engine: see <see cref="Runner"/>. It stays the
    /// caller's: dispose it after the predictor.</param>
    /// <remarks>int8 (<see cref="PredictOptions.Precision"/>) first calibrates the model, or reads the calibration cached
    /// beside its checkpoint (<see cref="Int8Calibration"/>, settings in <see cref="PredictOptions.Int8"/>).</remarks>
    public Predictor(LoadedModel model, PredictOptions? options = null, ILogger? logger = null)
        : this(CreateRunner(model, options ?? new(), logger), model.Names, options, logger) { }

    private Predictor((InferenceRunner Runner, Int8Report? Int8) engine, IReadOnlyList<string> names, PredictOptions? options, ILogger? logger)
        : this(engine.Runner, names, options, logger) => Int8 = engine.Int8;

    private static (InferenceRunner, Int8Report?) CreateRunner(LoadedModel model, PredictOptions o, ILogger? logger)
    {
        if (o.Precision != Nn.Precision.Int8) return (InferenceRunner.Create(model.Model, o.Precision, o.Runtime), null);
        if (o.Runtime == InferenceRuntime.Torch) InferenceRunner.Create(model.Model, o.Precision, o.Runtime);   // throws the clear error first
        var report = Int8Calibration.Prepare(model, o.Int8 ?? new Int8Options(), logger);
        return (InferenceRunner.Create(model.Model, Nn.Precision.Int8, o.Runtime, report.Plan), report);
    }

    /// <summary>The int8 calibration in use (held-out accuracy, float convolutions); null unless running int8.</summary>
    internal Int8Report? Int8 { get; }

    /// <param name="runner">The network (owned by the predictor from here on): a model's runner or an ONNX file's.</param>
    internal Predictor(InferenceRunner runner, IReadOnlyList<string> names, PredictOptions? options = null, ILogger? logger = null)
    {
        Options = options ?? new PredictOptions();
        Options.Validate();
        Names = names;
        _logger = logger ?? NullLogger.Instance;
        _runner = runner;
        int stride = Math.Max(runner.MaxStride, 32);
        if (runner.FixedSize is { } fixedSize)
        {
            // A graph exported for one size takes only that size: letterbox every frame square to it (ultralytics does the same).
            Imgsz = Math.Max(fixedSize.H, fixedSize.W);
            if (Imgsz != Options.Imgsz) _logger.LogWarning("this ONNX file takes {Size}×{Size} inputs; using imgsz {Size}", Imgsz, Imgsz, Imgsz);
            _letterBox = new LetterBox(fixedSize.H, fixedSize.W, auto: false, stride: stride);
        }
        else
        {
            Imgsz = (Options.Imgsz + stride - 1) / stride * stride;
            if (Imgsz != Options.Imgsz)
                _logger.LogWarning("imgsz {Imgsz} is not a multiple of the max stride {Stride}; using {New}", Options.Imgsz, stride, Imgsz);
            _letterBox = new LetterBox(Imgsz, auto: true, stride: stride);
        }
        _nms = new NmsOptions(Conf: Options.Conf, Iou: Options.Iou, MaxDet: Options.MaxDet, Agnostic: Options.Agnostic, Classes: Options.Classes);
    }

    /// <summary>The precision inference runs in (bf16 falls back to fp32 on CPUs without native bfloat16).</summary>
    public Nn.Precision ActualPrecision => _runner.Precision;

    /// <summary>The engine running the network (its <see cref="InferenceRunner.Runtime"/> says which).</summary>
    internal InferenceRunner Runner => _runner;

    /// <summary>
    /// Releases the inference engine (the ONNX Runtime session) and, for a predictor made by <see cref="Load"/>, the network's
    /// weights. A <see cref="LoadedModel"/> passed to the constructor stays the caller's to dispose (several predictors may
    /// share one).
    /// </summary>
    public void Dispose()
    {
        _runner.Dispose();
        _ownedModel?.Dispose();
    }

    /// <summary>The network this predictor disposes (made by <see cref="Load"/>); null otherwise.</summary>
    internal DetectionModel? OwnedModel => _ownedModel;

    /// <summary>Loads <paramref name="model"/> (a checkpoint, an ONNX file or a model YAML) on <see cref="PredictOptions.Device"/>.</summary>
    /// <param name="imgszFromModel">Run at the size the model was trained at (a checkpoint's, an ONNX file's; 640 for a
    /// YAML) instead of <see cref="PredictOptions.Imgsz"/>, as <c>detect</c> without <c>--imgsz</c> does.</param>
    /// <param name="nc">For a model YAML: the class count.</param>
    /// <param name="names">For a model YAML: class names.</param>
    /// <param name="weights">For a model YAML: a weights file in ultralytics' names, loaded strictly.</param>
    public static Predictor Load(string model, PredictOptions? options = null, ILogger? logger = null, bool imgszFromModel = false,
        int? nc = null, IReadOnlyList<string>? names = null, string? weights = null)
    {
        options ??= new PredictOptions();
        if (Onnx.OnnxModelFile.IsOnnx(model))
        {
            var file = new Onnx.OnnxModelFile(model, get_num_threads());
            if (imgszFromModel) options = options with { Imgsz = file.ImgSz };
            return new Predictor(InferenceRunner.FromOnnxFile(file), file.Names, options, logger);
        }
        var loaded = ModelLoader.Load(model, DeviceParser.Parse(options.Device), nc, names, weights);
        if (imgszFromModel) options = options with { Imgsz = loaded.ImgSz };
        // The model was made here and no one else can reach it, so the predictor owns it (and frees it on Dispose).
        try { return new Predictor(loaded, options, logger) { _ownedModel = loaded.Model }; }
        catch { loaded.Model.Dispose(); throw; }
    }

    /// <summary>The options it runs with (validated).</summary>
    public PredictOptions Options { get; }
    /// <summary>The effective input size (imgsz rounded up to a multiple of the model stride, or an ONNX file's fixed size).</summary>
    public int Imgsz { get; }
    /// <summary>Class names, index = <see cref="Detection.Class"/>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Opens <paramref name="source"/> (see <see cref="FrameSources.Open"/>) and predicts every frame.</summary>
    public IEnumerable<FrameResult> Predict(string source, CancellationToken cancellationToken = default)
    {
        using var s = FrameSources.Open(source, Options.VidStride);
        foreach (var r in Predict(s, cancellationToken)) yield return r;
    }

    /// <summary>
    /// <see cref="Predict(string, CancellationToken)"/> for async code (a web handler, a UI): each frame's inference runs
    /// on the thread pool, not on the caller's thread. The same rules hold: results come in order, and each result and
    /// its image are released when the loop moves on.
    /// </summary>
    public async IAsyncEnumerable<FrameResult> PredictAsync(string source, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var frames = Predict(source, cancellationToken).GetEnumerator();
        while (await Task.Run(frames.MoveNext, cancellationToken).ConfigureAwait(false)) yield return frames.Current;
    }

    /// <summary>
    /// Predicts every frame of <paramref name="source"/>, in order. Each result's image is released when the enumeration
    /// moves on (take it with <see cref="FrameResult.TakeImage"/> to keep it). Cancellation throws
    /// <see cref="OperationCanceledException"/> before the next frame is yielded (the rest of a batch is dropped); source errors surface here with their own type.
    /// </summary>
    public IEnumerable<FrameResult> Predict(IFrameSource source, CancellationToken cancellationToken = default)
    {
        var queue = new HandoffQueue<PreparedFrame>(Options.QueueCapacity);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var decoder = new Thread(() => DecodeLoop(source, queue, stop.Token)) { IsBackground = true, Name = "ghostyolo-decode" };
        decoder.Start();
        var carry = new List<PreparedFrame>(1);
        var outstanding = new Queue<FrameResult>();
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = TakeBatch(queue, carry, cancellationToken);
                if (batch.Count == 0) yield break;
                foreach (var r in Infer(batch)) outstanding.Enqueue(r);
                while (outstanding.Count > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var r = outstanding.Peek();
                    yield return r;
                    outstanding.Dequeue().Dispose();
                }
            }
        }
        finally
        {
            stop.Cancel();
            decoder.Join();
            foreach (var r in outstanding) r.Dispose();
            foreach (var p in carry) p.Dispose();
            while (queue.TryTakeNow(out var p)) p.Dispose();
        }
    }

    /// <summary>Predicts one image synchronously (no threads); the result holds a copy of <paramref name="bgr"/> and should be disposed.</summary>
    public FrameResult PredictImage(Mat bgr, string path = "image")
    {
        var frame = new Frame(bgr.Clone(), path, SourceKind.Image, 0, 1, 0, 1, 0);
        PreparedFrame p;
        try { p = Prepare(frame); }
        catch { frame.Dispose(); throw; }
        return Infer([p])[0];
    }

    /// <summary>A decoded frame letterboxed and split into R, G, B planes (native memory), ready to stack.</summary>
    private sealed record PreparedFrame(Frame Frame, Mat[] Planes, (int H, int W) InputShape, double PreprocessMs)
    {
        public void DisposePlanes() { foreach (var m in Planes) m.Dispose(); }
        public void Dispose() { DisposePlanes(); Frame.Dispose(); }
    }

    /// <remarks>
    /// Planes stay in native (OpenCV) memory and are copied straight into the input tensor: no per-frame managed
    /// buffers, so the decode thread almost never triggers a garbage collection. (Such collections once finalized
    /// TorchSharp's temporary <c>Scalar</c>s mid-call during a forward, after ~700 frames; tools/fix-libtorchsharp.sh
    /// now makes that harmless.)
    /// </remarks>
    private PreparedFrame Prepare(Frame frame)
    {
        var sw = Stopwatch.StartNew();
        using var lb = _letterBox.Apply(frame.Image, out _);
        var bgr = Cv2.Split(lb);                                       // 3 × (H, W) continuous planes
        return new PreparedFrame(frame, [bgr[2], bgr[1], bgr[0]], (lb.Rows, lb.Cols), sw.Elapsed.TotalMilliseconds);
    }

    /// <summary>The decode thread: reads, letterboxes and queues frames; completes the channel with any error.</summary>
    private void DecodeLoop(IFrameSource source, HandoffQueue<PreparedFrame> queue, CancellationToken ct)
    {
        try
        {
            foreach (var frame in source.ReadFrames(ct))
            {
                PreparedFrame p;
                try { p = Prepare(frame); }
                catch { frame.Dispose(); throw; }
                bool added = false;
                try { added = queue.Add(p, ct); }
                finally { if (!added) p.Dispose(); }
                if (!added) return;
            }
            queue.Complete();
        }
        catch (OperationCanceledException) { queue.Complete(); }
        catch (Exception e) { queue.Complete(e); }
    }

    /// <summary>
    /// Frames per forward pass for a source of this kind: <see cref="PredictOptions.Batch"/> when set, else 2 for video
    /// files on two or more threads and 1 otherwise. A pair gives each intra-op thread twice the work per layer, which on
    /// this project's 2-core reference machine raised two-thread throughput per frame by ~5–20 % (one thread: no gain), and
    /// it is what lifts the streaming pipeline to ≥ 90 % of forward-only speed once decode and encode share the cores.
    /// Webcams and streams stay at 1 so no frame waits for a partner; images have no partner to wait for.
    /// </summary>
    public int BatchFor(SourceKind kind) =>
        _runner.FixedBatch ?? (Options.Batch > 0 ? Options.Batch : kind == SourceKind.Video && get_num_threads() >= 2 ? 2 : 1);

    /// <summary>Up to <see cref="BatchFor"/> consecutive frames of one input shape; empty at the end.</summary>
    private List<PreparedFrame> TakeBatch(HandoffQueue<PreparedFrame> queue, List<PreparedFrame> carry, CancellationToken ct)
    {
        var batch = new List<PreparedFrame>();
        batch.AddRange(carry);
        carry.Clear();
        while (batch.Count == 0 || batch.Count < BatchFor(batch[0].Frame.Kind))
        {
            if (!queue.TryTake(out var p, ct)) break;
            if (batch.Count > 0 && p.InputShape != batch[0].InputShape) { carry.Add(p); break; }
            batch.Add(p);
        }
        return batch;
    }

    /// <summary>Stack → forward → NMS → scale to original pixels for one batch; frames move into the results.</summary>
    private FrameResult[] Infer(IReadOnlyList<PreparedFrame> batch)
    {
        try
        {
            using var scope = NewDisposeScope();
            using var mode = inference_mode();
            int b = batch.Count;
            var (h, w) = batch[0].InputShape;
            var sw = Stopwatch.StartNew();
            var u8 = empty([b, 3, h, w], ScalarType.Byte);                 // (B, 3, H, W) RGB
            var dst = u8.bytes;
            for (int i = 0; i < b; i++)
            {
                for (int c = 0; c < 3; c++) CopyPlane(batch[i].Planes[c], dst.Slice((i * 3 + c) * h * w, h * w));
                batch[i].DisposePlanes();
            }
            double pre = sw.Elapsed.TotalMilliseconds / b;
            if (!_warmedUp)
            {
                // ultralytics' model.warmup(): the first pass builds the ONNX session or libtorch's kernels and would
                // otherwise count as inference time of the first frames.
                _runner.Run(u8).Dispose();
                _warmedUp = true;
            }
            sw.Restart();
            var decoded = _runner.Run(u8);                                  // (B, 4+nc, A) for every head
            double inf = sw.Elapsed.TotalMilliseconds / b;
            sw.Restart();
            var items = batch.Select(p => new ImageInfo(p.Frame.Path, (p.Frame.Image.Rows, p.Frame.Image.Cols), p.InputShape, null)).ToList();
            var perImage = Inference.Postprocess(decoded, _nms, (h, w), items);   // b × (n, 6) CPU float32
            var detections = perImage.Select(ToDetections).ToArray();
            double post = sw.Elapsed.TotalMilliseconds / b;
            var results = new FrameResult[b];
            for (int i = 0; i < b; i++)
                results[i] = new FrameResult(batch[i].Frame, batch[i].InputShape, b, detections[i], new FrameTimings(batch[i].PreprocessMs + pre, inf, post));
            return results;
        }
        catch
        {
            foreach (var p in batch) p.Dispose();
            throw;
        }
    }

    private static unsafe void CopyPlane(Mat plane, Span<byte> dst)
    {
        if (!plane.IsContinuous() || plane.Total() != dst.Length) throw new InvalidOperationException("letterboxed plane is not a continuous H×W array");
        new ReadOnlySpan<byte>((void*)plane.Data, dst.Length).CopyTo(dst);
    }

    private static Detection[] ToDetections(Tensor boxes)
    {
        if (boxes.numel() == 0) return [];
        using var c = boxes.contiguous();
        var v = c.data<float>().ToArray();
        var d = new Detection[v.Length / 6];
        for (int i = 0; i < d.Length; i++)
            d[i] = new Detection(v[6 * i], v[6 * i + 1], v[6 * i + 2], v[6 * i + 3], v[6 * i + 4], (int)v[6 * i + 5]);
        return d;
    }
}
