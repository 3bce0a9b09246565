using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace GhostYolo.Platform;

/// <summary>
/// Momentum / Adam buffers of channels-last parameters are channels-last too, and TorchSharp 0.107's optimizer state
/// serializer writes and reads only contiguous tensors ("Bytes() called on non-contiguous tensor": resuming any AdamW
/// run crashed). The buffers sit in private fields of TorchSharp's state classes, so they are swapped for contiguous
/// copies by reflection before saving and before loading (the optimizer updates its own buffers, so values are unchanged).
/// </summary>
internal static class OptimizerStates
{
    public static void MakeContiguous(TorchSharp.Modules.OptimizerHelper optimizer)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (var state in optimizer.state_dict().State)
            foreach (var field in state.GetType().GetFields(flags).Where(f => f.FieldType == typeof(Tensor)))
                if (field.GetValue(state) is Tensor t && !t.is_contiguous())
                    field.SetValue(state, t.contiguous());
    }
}
