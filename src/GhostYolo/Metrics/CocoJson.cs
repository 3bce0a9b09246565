using System.Text.Json;
using static TorchSharp.torch;

namespace GhostYolo.Metrics;

/// <summary>One detection in COCO results format: bbox = [x_min, y_min, w, h] in original-image pixels.</summary>
/// <param name="ImageId">File stem; written as a JSON number when it is all digits (ultralytics <c>int(stem)</c>).</param>
internal sealed record CocoPrediction(string ImageId, int CategoryId, double[] Bbox, double Score);

/// <summary>
/// Writes and reads <c>predictions.json</c> (ultralytics <c>DetectionValidator.pred_to_json</c>, also yolov5
/// <c>save_one_json</c>) and re-scores it against labels with <see cref="DetectionMetrics"/>.
/// </summary>
internal static class CocoJson
{
    /// <summary>Image id key: the stem, or its integer value as text when the stem is numeric ("000139" → "139").</summary>
    public static string ImageKey(string stem) =>
        stem.Length > 0 && stem.All(char.IsAsciiDigit) ? long.Parse(stem).ToString(System.Globalization.CultureInfo.InvariantCulture) : stem;

    /// <summary>
    /// Converts one image's detections (n, 6) x1, y1, x2, y2, score, class in original pixels into COCO rows:
    /// bbox rounded to 3 decimals, score to 5 (half-to-even, like Python's <c>round</c>).
    /// <paramref name="classMap"/> maps class index → category id (null = identity; COCO val2017 uses the 80→91 map).
    /// </summary>
    public static List<CocoPrediction> FromDetections(string imagePath, ReadOnlySpan<float> detections, IReadOnlyList<int>? classMap = null)
    {
        var id = ImageKey(Path.GetFileNameWithoutExtension(imagePath));
        var rows = new List<CocoPrediction>(detections.Length / 6);
        for (var i = 0; i < detections.Length / 6; i++)
        {
            var d = detections.Slice(i * 6, 6);
            // float32 like xyxy2xywh then xy -= wh / 2 upstream
            float w = d[2] - d[0], h = d[3] - d[1];
            float cx = (d[0] + d[2]) / 2, cy = (d[1] + d[3]) / 2;
            float x = cx - w / 2, y = cy - h / 2;
            var cls = (int)d[5];
            rows.Add(new CocoPrediction(id, classMap is null ? cls : classMap[cls],
                [Round(x, 3), Round(y, 3), Round(w, 3), Round(h, 3)], Round(d[4], 5)));
        }
        return rows;
    }

    /// <summary>Tensor form of <see cref="FromDetections(string, ReadOnlySpan{float}, IReadOnlyList{int}?)"/>.</summary>
    public static List<CocoPrediction> FromDetections(string imagePath, Tensor detections, IReadOnlyList<int>? classMap = null)
    {
        using var scope = NewDisposeScope();
        var data = TensorData.ToFloats(detections);
        return FromDetections(imagePath, data, classMap);
    }

    static double Round(double v, int digits) => Math.Round(v, digits, MidpointRounding.ToEven);

    /// <summary>Writes a JSON list of predictions to <paramref name="path"/> (temp file + rename).</summary>
    public static void Write(string path, IEnumerable<CocoPrediction> predictions)
    {
        var tmp = path + ".tmp";
        using (var stream = File.Create(tmp))
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartArray();
            foreach (var p in predictions)
            {
                w.WriteStartObject();
                if (p.ImageId.Length > 0 && p.ImageId.All(char.IsAsciiDigit)) w.WriteNumber("image_id", long.Parse(p.ImageId));
                else w.WriteString("image_id", p.ImageId);
                w.WriteNumber("category_id", p.CategoryId);
                w.WriteStartArray("bbox");
                foreach (var v in p.Bbox) w.WriteNumberValue(v);
                w.WriteEndArray();
                w.WriteNumber("score", p.Score);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads a COCO results list; numeric image ids come back as their decimal text.</summary>
    public static List<CocoPrediction> Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path}: expected a JSON list of predictions (COCO results format).");
        var list = new List<CocoPrediction>();
        var index = 0;
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            try
            {
                var idEl = e.GetProperty("image_id");
                var id = idEl.ValueKind == JsonValueKind.Number ? idEl.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : idEl.GetString()!;
                var bbox = e.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                if (bbox.Length != 4) throw new InvalidDataException("bbox needs 4 numbers");
                list.Add(new CocoPrediction(id, e.GetProperty("category_id").GetInt32(), bbox, e.GetProperty("score").GetDouble()));
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or InvalidDataException or FormatException)
            {
                throw new InvalidDataException($"{path}: entry {index} is not a COCO prediction (image_id, category_id, bbox[4], score): {ex.Message}", ex);
            }
            index++;
        }
        return list;
    }

    /// <summary>
    /// Recomputes mAP from a predictions file and the labels of every image (keyed by file stem; include background
    /// images with empty arrays). Labels: class indices plus flat L·4 xyxy boxes in original pixels.
    /// <paramref name="classMap"/> must be the map used when writing (category id → class index is its inverse).
    /// </summary>
    public static DetectionMetricsResult Rescore(string predictionsJson,
        IReadOnlyDictionary<string, (int[] Classes, float[] Boxes)> labels, int nc, IReadOnlyList<int>? classMap = null)
    {
        var toClass = classMap?.Select((cat, cls) => (cat, cls)).ToDictionary(t => t.cat, t => t.cls);
        var byImage = Read(predictionsJson).GroupBy(p => p.ImageId).ToDictionary(g => g.Key, g => g.ToList());
        var keyed = labels.ToDictionary(kv => ImageKey(kv.Key), kv => kv.Value);
        var unknown = byImage.Keys.FirstOrDefault(k => !keyed.ContainsKey(k));
        if (unknown is not null)
            throw new ArgumentException($"{predictionsJson}: image_id {unknown} has predictions but no entry in the labels (add it, with empty arrays if it has no objects).", nameof(labels));

        var metrics = new DetectionMetrics(nc);
        foreach (var (key, (classes, boxes)) in keyed)
        {
            var preds = byImage.TryGetValue(key, out var p) ? p.OrderByDescending(x => x.Score).ToList() : [];
            var flat = new float[preds.Count * 6];
            for (var i = 0; i < preds.Count; i++)
            {
                var b = preds[i].Bbox;
                flat[i * 6] = (float)b[0];
                flat[i * 6 + 1] = (float)b[1];
                flat[i * 6 + 2] = (float)(b[0] + b[2]);
                flat[i * 6 + 3] = (float)(b[1] + b[3]);
                flat[i * 6 + 4] = (float)preds[i].Score;
                flat[i * 6 + 5] = toClass is null ? preds[i].CategoryId : toClass[preds[i].CategoryId];
            }
            metrics.Update(flat, classes, boxes);
        }
        return metrics.Compute();
    }
}
