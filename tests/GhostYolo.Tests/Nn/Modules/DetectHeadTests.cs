using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Nn.Modules;

/// <summary>What differs between heads lives in the head: its strides, its reference output, and one decoded layout.</summary>
public class DetectHeadTests
{
    [Theory]
    [InlineData("yolov8n.yaml")]
    [InlineData("yolov5n.yaml")]
    public void The_head_sets_up_its_own_strides_from_the_forward_pass(string yaml)
    {
        using var model = new ModelBuilder().Build(yaml, 3);
        var head = model.Head!;
        long[] expected = [8, 16, 32];
        Assert.Equal(expected, head.Strides);
        // Set up again from raw outputs of another input size: the same strides.
        model.eval();
        using var _ = no_grad();
        var raw = model.ForwardRaw(zeros(1, 3, 128, 128));
        head.SetUpStrides(raw, 128);
        Assert.Equal(expected, head.Strides);
    }

    [Fact]
    public void The_v5_head_converts_its_yaml_anchors_to_grid_units_with_its_strides()
    {
        using var model = new ModelBuilder().Build("yolov5n.yaml", 3);
        var head = (DetectV5)model.Head!;
        // yolov5n.yaml P3/8 anchors start 10,13; P5/32 ends 373,326.
        Assert.Equal(10f / 8, head.AnchorsGrid[0, 0, 0].item<float>(), 6);
        Assert.Equal(13f / 8, head.AnchorsGrid[0, 0, 1].item<float>(), 6);
        Assert.Equal(373f / 32, head.AnchorsGrid[2, 2, 0].item<float>(), 5);
        Assert.IsAssignableFrom<IAnchorHead>(head);
        Assert.IsNotAssignableFrom<IAnchorHead>(new ModelBuilder().Build("yolov8n.yaml", 3).Head);
    }

    [Fact]
    public void The_v5_head_decodes_to_xywh_and_objectness_times_class_of_its_reference_output()
    {
        using var model = new ModelBuilder().Build("yolov5n.yaml", 3);
        model.eval();
        using var _ = no_grad();
        var raw = model.ForwardRaw(rand(2, 3, 96, 96, generator: new Generator(3)));
        var head = model.Head!;
        using var reference = head.ReferenceOutput(raw);                    // (B, A, 5+nc)
        using var decoded = head.Decode(raw);                               // (B, 4+nc, A)
        long a = 3 * (12 * 12 + 6 * 6 + 3 * 3);
        Assert.Equal([2L, a, 5 + 3], reference.shape);
        Assert.Equal([2L, 4 + 3, a], decoded.shape);
        var r = reference.contiguous().data<float>().ToArray();
        var d = decoded.contiguous().data<float>().ToArray();
        for (int b = 0; b < 2; b++)
            for (long i = 0; i < a; i += 17)
            {
                long row = (b * a + i) * 8;
                for (int k = 0; k < 4; k++) Assert.Equal(r[row + k], d[(b * 7 + k) * a + i]);
                for (int c = 0; c < 3; c++) Assert.Equal(r[row + 5 + c] * r[row + 4], d[(b * 7 + 4 + c) * a + i]);   // float32 product
            }
        // The model's forward stays the reference layout (what yolov5 returns and what the ONNX export writes).
        using var forward = model.call(rand(1, 3, 96, 96));
        Assert.Equal([1L, a, 8], forward.shape);
        using var predicted = model.Predict(rand(1, 3, 96, 96));
        Assert.Equal([1L, 7, a], predicted.shape);
    }

    [Fact]
    public void The_v8_head_reference_output_is_its_decoded_layout()
    {
        using var model = new ModelBuilder().Build("yolov8n.yaml", 3);
        model.eval();
        using var _ = no_grad();
        var raw = model.ForwardRaw(rand(1, 3, 64, 64, generator: new Generator(4)));
        using var reference = model.Head!.ReferenceOutput(raw);
        using var decoded = model.Head.Decode(raw);
        Assert.True(reference.allclose(decoded, 0, 0));
        Assert.Same(reference, model.Head.DecodeReferenceOutput(reference));
    }

    [Fact]
    public void FromObjectness_refuses_a_tensor_without_classes()
        => Assert.Throws<ArgumentException>(() => DecodedLayout.FromObjectness(zeros(1, 10, 5)));
}
