using GhostYolo.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Nn;

/// <summary>Factories for activations and norms with ultralytics' conventions (BN eps 1e-3, momentum 0.03).</summary>
internal static class Activations
{
    /// <summary>BatchNorm2d as <c>initialize_weights</c> leaves it: eps 1e-3, momentum 0.03 — without the batch counter
    /// (<see cref="BatchNorms"/> says why).</summary>
    public static TorchSharp.Modules.BatchNorm2d BatchNorm(long c) => BatchNorms.WithoutCounter(c, eps: 1e-3, momentum: 0.03);

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
