using System.Runtime.InteropServices;
using OpenCvSharp;
using static TorchSharp.torch;

namespace GhostYolo.Data;

/// <summary>
/// OpenCV ↔ tensor conversion shared by training, validation and prediction (ultralytics <c>Format</c> /
/// predictor <c>preprocess</c>): HWC BGR uint8 ↔ CHW RGB uint8.
/// </summary>
internal static class ImageTensor
{
    /// <summary>HWC BGR 8-bit Mat → 3·H·W bytes in RGB plane order.</summary>
    public static byte[] ToChwRgb(Mat bgr)
    {
        if (bgr.Type() != MatType.CV_8UC3) throw new ArgumentException($"expected an 8-bit 3-channel BGR image, got {bgr.Type()}", nameof(bgr));
        int h = bgr.Rows, w = bgr.Cols;
        var chw = new byte[3 * h * w];
        var ch = Cv2.Split(bgr);
        try
        {
            // Split planes are continuous; BGR plane c → RGB plane 2 − c.
            for (int c = 0; c < 3; c++) Marshal.Copy(ch[c].Data, chw, (2 - c) * h * w, h * w);
        }
        finally { foreach (var m in ch) m.Dispose(); }
        return chw;
    }

    /// <summary>One BGR Mat → uint8 (3, H, W) RGB tensor.</summary>
    public static Tensor FromBgr(Mat bgr) => tensor(ToChwRgb(bgr), [3, bgr.Rows, bgr.Cols], ScalarType.Byte);

    /// <summary>Same-sized BGR Mats → uint8 (B, 3, H, W) RGB tensor (e.g. letterboxed video frames).</summary>
    public static Tensor StackBgr(IReadOnlyList<Mat> images)
    {
        int h = images[0].Rows, w = images[0].Cols, plane = 3 * h * w;
        var data = new byte[images.Count * plane];
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i].Rows != h || images[i].Cols != w)
                throw new ArgumentException($"image {i} is {images[i].Rows}x{images[i].Cols}, expected {h}x{w}", nameof(images));
            Buffer.BlockCopy(ToChwRgb(images[i]), 0, data, i * plane, plane);
        }
        return tensor(data, [images.Count, 3, h, w], ScalarType.Byte);   // (B, 3, H, W)
    }

    /// <summary>uint8 (3, H, W) RGB tensor → HWC BGR Mat (the caller disposes it).</summary>
    public static Mat ToBgr(Tensor chwRgb)
    {
        using var cpu = chwRgb.to_type(ScalarType.Byte).cpu().contiguous();
        int h = (int)cpu.shape[1], w = (int)cpu.shape[2];
        var data = cpu.data<byte>().ToArray();
        var planes = new Mat[3];
        try
        {
            for (int c = 0; c < 3; c++)
            {
                planes[2 - c] = new Mat(h, w, MatType.CV_8UC1);
                Marshal.Copy(data, c * h * w, planes[2 - c].Data, h * w);
            }
            var bgr = new Mat();
            Cv2.Merge(planes, bgr);
            return bgr;
        }
        finally { foreach (var p in planes) p?.Dispose(); }
    }
}
