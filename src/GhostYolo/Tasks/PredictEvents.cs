using GhostYolo.Engine;
using GhostYolo.Nn;

namespace GhostYolo.Tasks;

/// <summary>Progress of a <see cref="PredictTask"/>, reported through <see cref="IProgress{T}"/> on the calling thread, in order.</summary>
public abstract record PredictEvent;

/// <summary>The model is loaded, the source open and the run folder made; frames follow.</summary>
/// <param name="SaveDir">The run folder (<c>runs/detect/predict{N}</c>).</param>
/// <param name="Names">Class names, index = <see cref="Detection.Class"/>.</param>
/// <param name="Imgsz">The effective input size.</param>
/// <param name="Runtime">The engine running the network.</param>
/// <param name="RequestedPrecision">The precision asked for.</param>
/// <param name="Precision">The precision inference runs in (bf16 falls back to fp32 on CPUs without native bfloat16).</param>
/// <param name="Threads">Intra-op threads of libtorch and ONNX Runtime.</param>
/// <param name="SingleVideo">The source is one video file (its frame count is known up front).</param>
public sealed record PredictStarted(string SaveDir, IReadOnlyList<string> Names, int Imgsz, InferenceRuntime Runtime, Precision RequestedPrecision,
    Precision Precision, int Threads, bool SingleVideo) : PredictEvent
{
    /// <summary>What the engine chose differently from what was asked (e.g. libtorch where ONNX cannot export); null when nothing.</summary>
    public string? Note { get; init; }
    /// <summary>Why annotated frames cannot be shown although <see cref="PredictOptions.Show"/> asked for it; null otherwise.</summary>
    public string? DisplayUnavailable { get; init; }
    /// <summary>int8 only: one line with the held-out mAP50-95 of fp32 and int8 and what stayed float.</summary>
    public string? Int8Summary => Int8?.Summary;
    /// <summary>The int8 calibration in use; null unless running int8.</summary>
    internal Int8Report? Int8 { get; init; }
}

/// <summary>One frame's detections (with track IDs when tracking). Its image is released once the handler returns: take
/// a copy (<c>Frame.Image.Clone()</c>) to keep it.</summary>
/// <param name="Frame">The frame, its detections and stage times.</param>
public sealed record FramePredicted(FrameResult Frame) : PredictEvent;
