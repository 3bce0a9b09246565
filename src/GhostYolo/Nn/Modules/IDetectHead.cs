using static TorchSharp.torch;

namespace GhostYolo.Nn.Modules;

/// <summary>Which loss and decoding a detection head implies.</summary>
internal enum HeadKind
{
    /// <summary>YOLOv8: anchor-free, DFL box distributions, no objectness.</summary>
    AnchorFree,
    /// <summary>YOLOv5: three anchors per cell, objectness.</summary>
    Anchors,
}

/// <summary>A detection head: raw per-level outputs for the loss, and decoding into boxes for NMS.</summary>
internal interface IDetectHead
{
    HeadKind Kind { get; }
    int Nc { get; }
    int Nl { get; }
    /// <summary>Per-level strides in pixels, set by the builder from a forward pass.</summary>
    long[] Strides { get; set; }

    /// <summary>Raw outputs: v8 (B, 64+nc, H, W) per level; v5 (B, na, H, W, 5+nc) per level.</summary>
    Tensor[] Forward(Tensor[] features);

    /// <summary>v8 → (B, 4+nc, A) xywh pixels + class scores; v5 → (B, A, 5+nc) xywh pixels, objectness, class scores.</summary>
    Tensor Decode(Tensor[] raw);

    /// <summary>Prior-based bias initialisation (ultralytics <c>bias_init</c> / yolov5 <c>_initialize_biases</c>); needs strides.</summary>
    void InitBiases();
}
