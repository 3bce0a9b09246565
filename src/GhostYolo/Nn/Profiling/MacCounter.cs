using GhostYolo.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Nn.Profiling;

/// <summary>Which operations a MAC count includes.</summary>
public enum MacConvention
{
    /// <summary>thop (what ultralytics' GFLOPs use): convs, linears, 4 per BatchNorm element, adaptive pooling.</summary>
    Thop,
    /// <summary>The GhostNet / FasterNet papers: convolutions and linear layers only (BN folded, pooling ignored).</summary>
    Paper,
}

/// <summary>
/// Counts multiply-accumulates with thop's rules (what ultralytics' GFLOPs are built on) through forward hooks:
/// Conv2d = output elements · (c_in/groups) · kh · kw (bias ignored); BatchNorm2d = 4 · input elements (affine);
/// Linear = in_features · output elements; AdaptiveAvgPool2d = (kernel area + 1) · output elements; everything else 0.
/// </summary>
internal static class MacCounter
{
    /// <summary>MACs of one forward pass of <paramref name="model"/> on zeros(1, ch, h, w) (raw head outputs, eval mode).</summary>
    public static double Count(DetectionModel model, int height, int width, MacConvention convention = MacConvention.Thop)
    {
        double macs = 0;
        var hooks = new List<Action>();
        var modules = ModuleTree.Unique(model).ToList();
        // A Conv block's Conv2d is counted on the block's output (same shape): the block may compute it without calling it.
        var inBlocks = modules.OfType<Modules.Conv>().Select(c => c.Conv2d).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var m in modules)
        {
            switch (m)
            {
                case Modules.Conv block:
                    hooks.Add(block.register_forward_hook((mod, input, output) => { macs += ConvMacs(block.Conv2d, output); return output; }).remove);
                    break;
                case Conv2d conv when !inBlocks.Contains(conv):
                    hooks.Add(conv.register_forward_hook((mod, input, output) => { macs += ConvMacs(conv, output); return output; }).remove);
                    break;
                case BatchNorm2d bn when convention == MacConvention.Thop:
                    hooks.Add(bn.register_forward_hook((mod, input, output) => { macs += 4.0 * input.numel(); return output; }).remove);
                    break;
                case Linear lin:
                    hooks.Add(lin.register_forward_hook((mod, input, output) => { macs += (double)lin.weight!.shape[1] * output.numel(); return output; }).remove);
                    break;
                case AdaptiveAvgPool2d pool when convention == MacConvention.Thop:
                    hooks.Add(pool.register_forward_hook((mod, input, output) =>
                    {
                        double kernel = (double)input.shape[^1] / output.shape[^1] * input.shape[^2] / output.shape[^2];
                        macs += (Math.Floor(kernel) + 1) * output.numel();
                        return output;
                    }).remove);
                    break;
            }
        }
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            using var hooked = PointwiseGemm.Suspend();   // plain 1×1 Conv2d through call, so their hooks fire
            var dtype = model.parameters().First().dtype;
            var device = model.parameters().First().device;
            model.ForwardRaw(zeros(1, model.Definition.InputChannels, height, width, dtype: dtype, device: device));
        }
        finally
        {
            foreach (var remove in hooks) remove();
            model.train(wasTraining);
        }
        return macs;
    }

    private static double ConvMacs(Conv2d conv, Tensor output)
    {
        var w = conv.weight!;                                                                // (cout, cin/g, kh, kw)
        return output.numel() * (double)w.shape[1] * w.shape[2] * w.shape[3];
    }

    /// <summary>
    /// ultralytics <c>get_flops</c>: profile at stride×stride (stride = max(model stride, 32)) and scale to imgsz;
    /// if that pass fails (e.g. DFC attention pooling a 1×1 map), profile at full size. Returns GFLOPs = 2·MACs/1e9.
    /// </summary>
    public static double GFlops(DetectionModel model, int imgsz = 640)
    {
        int stride = (int)Math.Max(model.MaxStride, 32);
        try
        {
            return Count(model, stride, stride) * 2 / 1e9 * ((double)imgsz / stride) * ((double)imgsz / stride);
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException)
        {
            return Count(model, imgsz, imgsz) * 2 / 1e9;
        }
    }
}
