using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn;

/// <summary>Factories for activations and norms with ultralytics' conventions (BN eps 1e-3, momentum 0.03).</summary>
public static class Activations
{
    /// <summary>BatchNorm2d as <c>initialize_weights</c> leaves it: eps 1e-3, momentum 0.03 — without the batch counter.</summary>
    /// <remarks>
    /// TorchSharp 0.107's <c>BatchNorm.forward</c> counts batches with <c>num_batches_tracked.add_(1)</c>, whose implicit
    /// <c>Scalar</c>s can be finalized mid-call by a garbage collection started on another thread (a loader worker): seen as
    /// "For integral input tensors, argument alpha must not be a floating point number" after 20 epochs of training (the
    /// race itself is fixed by tools/fix-libtorchsharp.sh). The counter is only read when momentum is None; ultralytics'
    /// is 0.03, so the buffer is dropped and the call never made.
    /// </remarks>
    public static TorchSharp.Modules.BatchNorm2d BatchNorm(long c)
    {
        var bn = nn.BatchNorm2d(c, eps: 1e-3, momentum: 0.03);
        bn.num_batches_tracked = null;
        return bn;
    }

    /// <summary>A new identity module (ultralytics <c>act=False</c> builds a fresh <c>nn.Identity()</c> each time).</summary>
    public static nn.Module<Tensor, Tensor> Identity() => nn.Identity();

    /// <summary>Parses a YAML activation such as <c>nn.SiLU()</c>, <c>nn.ReLU()</c>, <c>nn.LeakyReLU(0.1)</c>, <c>nn.Hardswish()</c>.</summary>
    public static nn.Module<Tensor, Tensor>? Parse(string text)
    {
        var t = text.Trim();
        if (t.StartsWith("nn.")) t = t[3..];
        var name = t.Split('(')[0];
        var arg = t.Contains('(') ? t[(t.IndexOf('(') + 1)..t.LastIndexOf(')')].Trim() : "";
        return name switch
        {
            "SiLU" => nn.SiLU(inplace: true),
            "ReLU" => nn.ReLU(inplace: true),
            "ReLU6" => nn.ReLU6(inplace: true),
            "LeakyReLU" => nn.LeakyReLU(arg.Length > 0 ? double.Parse(arg, System.Globalization.CultureInfo.InvariantCulture) : 0.01, inplace: true),
            "Hardswish" => nn.Hardswish(inplace: true),
            "GELU" => nn.GELU(),
            "Mish" => nn.Mish(),
            "Identity" => nn.Identity(),
            _ => null,
        };
    }
}
