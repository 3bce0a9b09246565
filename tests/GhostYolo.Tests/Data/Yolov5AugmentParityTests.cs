using System.Text.Json;
using GhostYolo.Data;
using GhostYolo.Engine;
using OpenCvSharp;

namespace GhostYolo.Tests.Data;

/// <summary>
/// GhostYolo's recipe=yolov5 augmentation against yolov5 v7.0's own loader. The fixtures (Fixtures/Yolov5Augment, written by
/// tools/fidelity/v5_aug_params.py from a yolov5 v7.0 checkout on the default 4-class shapes set) hold, for three training
/// samples, every random draw yolov5's <c>__getitem__</c> made and the image and labels it produced. The same draws through
/// GhostYolo's mosaic, warp, HSV and flips must give the same sample.
/// </summary>
public class Yolov5AugmentParityTests
{
    [Fact]
    public void The_same_draws_give_yolov5s_samples()
    {
        using var dir = new TempDir();
        // The dataset v5_aug_params.py ran on: `ghostyolo dataset shapes --no-video --track-frames 0` (800 / 200 at 320, seed 0).
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Video = false, TrackFrames = 0 });
        var options = OptionOverrides.Apply(new TrainOptions(), [new("data", shapes.DataYaml), new("recipe", "yolov5"), new("imgsz", "320")]);
        using var loader = Trainer.TrainLoader(options, TrainRecipe.Parse(options.Recipe), DatasetDefinition.Load(shapes.DataYaml), 320, 0, null, default);
        var byName = loader.Dataset.Images.Select((im, i) => (Name: Path.GetFileName(im.ImagePath), i)).ToDictionary(t => t.Name, t => t.i);

        var fixtures = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Yolov5Augment"), "*.json").Order().ToList();
        Assert.Equal(3, fixtures.Count);
        foreach (var path in fixtures)
        {
            var record = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
            var (index, rng) = RecordedDraws.Replay(record, byName);
            var item = loader.Dataset.GetItem(index, rng);
            rng.CheckUsedUp();

            var labels = record.GetProperty("labels").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToList();
            Assert.Equal(labels.Count * 5, item.Labels.Length);
            for (int b = 0; b < labels.Count; b++)
                for (int c = 0; c < 5; c++)
                    Assert.True(Math.Abs(labels[b][c] - item.Labels[5 * b + c]) < 1e-5, $"{path}: box {b} value {c}: yolov5 {labels[b][c]}, GhostYolo {item.Labels[5 * b + c]}");

            // OpenCV 4.6 (Debian, yolov5's) and 4.13 (OpenCvSharp's) interpolate a few pixels differently by a few grey levels.
            using var expected = Cv2.ImRead(Path.ChangeExtension(path, ".png"), ImreadModes.Color);
            Assert.Equal((expected.Rows, expected.Cols), (item.Height, item.Width));
            int off = 0, plane = item.Height * item.Width;
            for (int y = 0; y < item.Height; y++)
                for (int x = 0; x < item.Width; x++)
                {
                    var bgr = expected.At<Vec3b>(y, x);
                    for (int c = 0; c < 3; c++)
                        if (Math.Abs(bgr[2 - c] - item.Chw[c * plane + y * item.Width + x]) > 1) off++;
                }
            Assert.True(off <= 3 * plane / 1000, $"{path}: {off} of {3 * plane} bytes differ by more than 1");
        }
    }
}
