using GhostYolo.Engine;

namespace GhostYolo.Tests.Engine;

public class TrainConfigFileTests
{
    /// <summary>yolov5 v7.0 data/hyps/hyp.scratch-low.yaml (values only).</summary>
    private const string ScratchLow = """
        lr0: 0.01  # initial learning rate (SGD=1E-2, Adam=1E-3)
        lrf: 0.01
        momentum: 0.937
        weight_decay: 0.0005
        warmup_epochs: 3.0
        warmup_momentum: 0.8
        warmup_bias_lr: 0.1
        box: 0.05
        cls: 0.5
        cls_pw: 1.0
        obj: 1.0
        obj_pw: 1.0
        iou_t: 0.20
        anchor_t: 4.0
        # anchors: 3  # anchors per output layer (0 to ignore)
        fl_gamma: 0.0
        hsv_h: 0.015
        hsv_s: 0.7
        hsv_v: 0.4
        degrees: 0.0
        translate: 0.1
        scale: 0.5
        shear: 0.0
        perspective: 0.0
        flipud: 0.0
        fliplr: 0.5
        mosaic: 1.0
        mixup: 0.0
        copy_paste: 0.0
        """;

    private static string Write(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hyp-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Yolov5HypFileIsHonoured()
    {
        var path = Write(ScratchLow);
        try
        {
            var o = OptionOverrides.Apply(new TrainOptions(), TrainConfigFile.Read(path));
            Assert.Equal((0.05, 1.0, 0.5, 4.0), (o.Box!.Value, o.Obj, o.Cls, o.AnchorT));
            Assert.Equal(0.1, o.WarmupBiasLr);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void UnimplementedKeyAtNonDefaultNamesFileLineAndKey()
    {
        var path = Write(ScratchLow.Replace("fl_gamma: 0.0", "fl_gamma: 1.5"));
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => TrainConfigFile.Read(path));
            Assert.Contains($"{path}:16:", e.Message);
            Assert.Contains("'fl_gamma: 1.5'", e.Message);
            Assert.Contains("not implemented", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void UnknownKeyAndBadValueNameTheLine()
    {
        var path = Write("lr0: 0.01\nmomentun: 0.9\n");
        var bad = Write("epochs: ten\n");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => TrainConfigFile.Read(path));
            Assert.Contains($"{path}:2: unknown setting 'momentun'; did you mean 'momentum'", e.Message);
            var e2 = Assert.Throws<InvalidDataException>(() => TrainConfigFile.Read(bad));
            Assert.Contains($"{bad}:1:", e2.Message);
        }
        finally { File.Delete(path); File.Delete(bad); }
    }

    [Fact]
    public void UltralyticsStyleFileWithEmptyAndInertKeysIsAccepted()
    {
        var path = Write("task: detect\nmode: train\nmodel:\ndevice:\nshow: True\nfreeze: None\niou: 0.7\nlabel_smoothing: 0.0\n");
        try
        {
            var pairs = TrainConfigFile.Read(path);
            Assert.Equal(["iou", "label_smoothing"], pairs.Select(p => p.Key));
        }
        finally { File.Delete(path); }
        Assert.Contains("fl_gamma=0.0", TrainConfigFile.Help());
        Assert.Contains("anchor_t", TrainConfigFile.Help());
    }

    [Fact]
    public void GhostYolosOwnDefaultYamlIsAccepted()
    {
        var o = OptionOverrides.Apply(new TrainOptions(), TrainConfigFile.Read(Path.Combine(AppContext.BaseDirectory, "cfg", "default.yaml")));
        Assert.Equal(new TrainOptions(), o);
    }
}
