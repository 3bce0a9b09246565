using System.Text.Json;
using static TorchSharp.torch;

namespace GhostYolo.Tests.Weights;

/// <summary>The checkpoint fixtures under <c>Fixtures/Weights</c>, written by ultralytics 8.2.103 and yolov5 v7.0 themselves
/// (<c>tools/peer-fixtures/make_weight_fixtures.py</c>), with the outputs those tools' own forward passes gave.</summary>
public static class WeightFixtures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Weights");

    public static string File(string name) => Path.Combine(Dir, name);

    public static JsonElement Json(string name) => JsonDocument.Parse(System.IO.File.ReadAllText(File(name))).RootElement;

    /// <summary>A raw float32 little-endian file as a tensor of <paramref name="shape"/>.</summary>
    public static Tensor Floats(string name, long[] shape)
    {
        var t = empty(shape, ScalarType.Float32);
        t.bytes = System.IO.File.ReadAllBytes(File(name));
        return t;
    }

    public static long[] Shape(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    /// <summary>The expectation cases of a checkpoint's JSON: input, expected output.</summary>
    public static IEnumerable<(Tensor Input, Tensor Expected)> Cases(string json)
    {
        foreach (var c in Json(json).GetProperty("cases").EnumerateArray())
            yield return (Floats(c.GetProperty("input").GetString()!, Shape(c.GetProperty("input_shape"))),
                Floats(c.GetProperty("output").GetString()!, Shape(c.GetProperty("output_shape"))));
    }
}
