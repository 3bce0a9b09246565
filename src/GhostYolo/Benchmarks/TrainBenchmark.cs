using System.Diagnostics;
using GhostYolo.Platform;
using GhostYolo.Engine;
using GhostYolo.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Benchmarks;

/// <summary>Training throughput of full steps (forward, loss, backward, optimizer) at one thread count.</summary>
internal sealed record TrainRow(string Model, int Threads, Precision Precision, int Batch, int ImgSz, double ImagesPerSecond, double StepMs);

/// <summary>
/// Images/s of complete training steps as the trainer runs them (channels-last model, v8/v5 loss, SGD step; with bf16,
/// the <see cref="Bf16Training"/> mixed-precision step of <c>amp=True</c>), on a synthetic batch with a realistic number of
/// boxes, so it measures the model and loss, not the loader.
/// </summary>
internal static class TrainBenchmark
{
    public static TrainRow Run(string modelName, int threads, int batch = 16, int imgsz = 320, int steps = 5, int nc = 4, int seed = 0,
        Precision precision = Precision.Fp32)
    {
        using var _ = GhostYoloRuntime.UseThreads(threads);
        using var model = new ModelBuilder().Build(modelName, nc);
        model.ToChannelsLast();
        model.train();
        using var loss = new LossFunction(model, new TrainOptions(), imgsz);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.001, momentum: 0.9);
        using var amp = precision == Precision.Bf16 ? new Bf16Training(model) : null;
        amp?.Model.train();
        var g = new Generator((ulong)seed);
        using var images = randint(0, 255, [batch, 3, imgsz, imgsz], generator: g).to(ScalarType.Byte);
        // 6 boxes per image: [image, class, cx, cy, w, h] normalised.
        using var targets = cat([
            arange(batch).repeat_interleave(6).unsqueeze(1).to(ScalarType.Float32),
            randint(0, nc, [batch * 6, 1], generator: g).to(ScalarType.Float32),
            rand(batch * 6, 2, generator: g) * 0.6 + 0.2,
            rand(batch * 6, 2, generator: g) * 0.25 + 0.05], 1);
        var times = new List<double>();
        for (int i = 0; i < steps + 1; i++)
        {
            var sw = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                var raw = amp?.ForwardRaw(images) ?? model.ForwardRaw(model.PrepareInput(images));
                var (l, _) = loss.Compute(raw, targets);
                l.backward();
                amp?.MoveGradients();
                optimizer.step();
                optimizer.zero_grad();
                amp?.Synchronize();
            }
            if (i > 0) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        double median = times[times.Count / 2];
        return new TrainRow(model.Definition.DisplayName, threads, precision, batch, imgsz, batch * 1000.0 / median, median);
    }
}
