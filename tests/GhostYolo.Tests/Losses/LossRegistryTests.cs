using GhostYolo.Losses;
using GhostYolo.Nn;
using GhostYolo.Nn.Modules;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Losses;

/// <summary>Each head trains with the loss registered for its type; the trainer never asks which head it has.</summary>
public class LossRegistryTests
{
    [Fact]
    public void Each_built_in_head_gets_its_loss_with_its_item_names()
    {
        var registry = LossRegistry.CreateDefault();
        using var v8 = new ModelBuilder().Build("yolov8n.yaml", 3);
        using var v5 = new ModelBuilder().Build("yolov5n.yaml", 3);
        using var l8 = registry.Create(v8.Head!, new DetectionLossSettings { ImgSz = 320 });
        using var l5 = registry.Create(v5.Head!, new DetectionLossSettings { ImgSz = 320 });
        Assert.IsType<DetectionLossV8>(l8);
        Assert.IsType<DetectionLossV5>(l5);
        Assert.Equal(["box_loss", "cls_loss", "dfl_loss"], l8.Names);
        Assert.Equal(["box_loss", "obj_loss", "cls_loss"], l5.Names);
        // A null box gain is each loss's own default: ultralytics' 7.5, yolov5's 0.05 (scaled by 3/nl = 1).
        Assert.Equal("box=7.5 cls=0.5 dfl=1.5", l8.Gains);
        Assert.StartsWith("box=0.05 obj=0.25 cls=0.01875 anchor_t=4", l5.Gains);
        // The v5 loss takes the head's anchors (grid units) and strides.
        var v5Loss = (DetectionLossV5)l5;
        Assert.True(v5Loss.Anchors.allclose(((DetectV5)v5.Head!).AnchorsGrid, 0, 0));
        Assert.Equal(new double[] { 8, 16, 32 }, v5Loss.Strides);
    }

    [Fact]
    public void The_number_of_loss_items_is_the_losss_own()
    {
        var registry = LossRegistry.CreateDefault();
        foreach (var yaml in new[] { "yolov8n.yaml", "yolov5n.yaml" })
        {
            using var model = new ModelBuilder().Build(yaml, 2);
            using var loss = registry.Create(model.Head!, new DetectionLossSettings { ImgSz = 64 });
            model.train();
            using var scope = NewDisposeScope();
            var raw = model.ForwardRaw(rand(2, 3, 64, 64, generator: new Generator(1)));
            var targets = tensor(new float[] { 0, 1, 0.5f, 0.5f, 0.3f, 0.3f, 1, 0, 0.4f, 0.6f, 0.2f, 0.1f }).reshape(2, 6);
            var (value, items) = loss.Compute(raw, targets);
            Assert.Equal(loss.Names.Count, (int)items.shape[0]);
            Assert.True(value.item<float>() > 0);
        }
    }

    /// <summary>A head type nobody registered a loss for.</summary>
    private sealed class UnknownHead : IDetectHead
    {
        public HeadKind Kind => HeadKind.AnchorFree;
        public int Nc => 1;
        public int Nl => 1;
        public long[] Strides => [8];
        public Tensor[] Forward(Tensor[] features) => features;
        public void SetUpStrides(Tensor[] raw, int inputSize) { }
        public Tensor Decode(Tensor[] raw) => raw[0];
        public Tensor ReferenceOutput(Tensor[] raw) => raw[0];
        public Tensor DecodeReferenceOutput(Tensor output) => output;
        public void InitBiases() { }
    }

    [Fact]
    public void A_head_without_a_registered_loss_is_named_and_one_registration_adds_it()
    {
        var registry = LossRegistry.CreateDefault();
        var e = Assert.Throws<NotSupportedException>(() => registry.Create(new UnknownHead(), new DetectionLossSettings()));
        Assert.Contains("UnknownHead", e.Message);
        Assert.Contains("DetectV5", e.Message);
        registry.Register<UnknownHead>((head, s) => new DetectionLossV8(s.Nc ?? head.Nc, [8.0]));
        using var loss = registry.Create(new UnknownHead(), new DetectionLossSettings());
        Assert.IsType<DetectionLossV8>(loss);
    }
}
