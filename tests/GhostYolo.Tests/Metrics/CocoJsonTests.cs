using System.Text.Json;
using GhostYolo.Metrics;

namespace GhostYolo.Tests.Metrics;

public class CocoJsonTests
{
    [Fact]
    public void Rows_UseXywhTopLeft_Rounding_AndNumericIds()
    {
        var rows = CocoJson.FromDetections("/data/images/000000139.jpg", [10.25f, 20.5f, 30.125f, 60f, 0.123456f, 2]);
        var r = Assert.Single(rows);
        Assert.Equal("139", r.ImageId);
        Assert.Equal(2, r.CategoryId);
        Assert.Equal([10.25, 20.5, 19.875, 39.5], r.Bbox);
        Assert.Equal(0.12346, r.Score);

        var path = Path.Combine(Path.GetTempPath(), $"ghostyolo-coco-{Guid.NewGuid():N}.json");
        try
        {
            CocoJson.Write(path, rows.Concat(CocoJson.FromDetections("cat_01.png", [0, 0, 1, 1, 0.5f, 0])));
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var first = doc.RootElement[0];
            Assert.Equal(JsonValueKind.Number, first.GetProperty("image_id").ValueKind);
            Assert.Equal(139, first.GetProperty("image_id").GetInt32());
            Assert.Equal("cat_01", doc.RootElement[1].GetProperty("image_id").GetString());
            var back = CocoJson.Read(path);
            Assert.Equal(["139", "cat_01"], back.Select(b => b.ImageId));
            Assert.Equal(r.Bbox, back[0].Bbox);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void RoundTrip_RescoreGivesTheSameMap()
    {
        var rng = new Random(3);
        const int nc = 3;
        var labels = new Dictionary<string, (int[] Classes, float[] Boxes)>();
        var metrics = new DetectionMetrics(nc);
        var all = new List<CocoPrediction>();
        var scoreSerial = 0;
        for (var img = 0; img < 12; img++)
        {
            var stem = img % 2 == 0 ? $"{img:D6}" : $"img_{img}";
            var nl = rng.Next(0, 5);
            var cls = Enumerable.Range(0, nl).Select(_ => rng.Next(nc)).ToArray();
            var boxes = new float[nl * 4];
            for (var l = 0; l < nl; l++)
            {
                float x = rng.Next(0, 400), y = rng.Next(0, 300);
                boxes[l * 4] = x; boxes[l * 4 + 1] = y; boxes[l * 4 + 2] = x + rng.Next(10, 100); boxes[l * 4 + 3] = y + rng.Next(10, 100);
            }
            // predictions: jittered labels (some wrong class), plus random false positives; unique scores k/1000
            var preds = new List<float[]>();
            for (var l = 0; l < nl; l++)
            {
                if (rng.NextDouble() < 0.2) continue;
                var j = () => rng.Next(-12, 13) / 4f;
                preds.Add([boxes[l * 4] + j(), boxes[l * 4 + 1] + j(), boxes[l * 4 + 2] + j(), boxes[l * 4 + 3] + j(), 0, rng.NextDouble() < 0.85 ? cls[l] : rng.Next(nc)]);
            }
            for (var k = rng.Next(0, 3); k > 0; k--)
            {
                float x = rng.Next(0, 400), y = rng.Next(0, 300);
                preds.Add([x, y, x + 40.5f, y + 30.25f, 0, rng.Next(nc)]);
            }
            foreach (var p in preds) p[4] = (1000 - 7 * scoreSerial++) / 1000f;
            var flat = preds.OrderByDescending(p => p[4]).SelectMany(p => p).ToArray();
            labels[stem] = (cls, boxes);
            metrics.Update(flat, cls, boxes);
            all.AddRange(CocoJson.FromDetections(stem + ".jpg", flat));
        }
        var direct = metrics.Compute();
        Assert.True(direct.Map50 > 0.3 && direct.Map50 < 0.99);

        var path = Path.Combine(Path.GetTempPath(), $"ghostyolo-coco-{Guid.NewGuid():N}.json");
        try
        {
            CocoJson.Write(path, all);
            var again = CocoJson.Rescore(path, labels, nc);
            Assert.Equal(direct.Map50, again.Map50, 12);
            Assert.Equal(direct.Map, again.Map, 12);
            Assert.Equal(direct.Precision, again.Precision, 12);
            Assert.Equal(direct.Recall, again.Recall, 12);
            Assert.Equal(direct.Images, again.Images);
        }
        finally { File.Delete(path); }
    }
}
