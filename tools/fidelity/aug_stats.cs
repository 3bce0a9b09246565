#:project ../../src/GhostYolo/GhostYolo.csproj
#:property AssemblyName=GhostYolo.Tools
// Statistics of GhostYolo's augmented training samples under recipe=yolov5 (yolov5's mosaic, hyp.scratch-low's
// augmentation, which equals ultralytics' defaults): the same numbers aug_stats.py prints for yolov5 v7.0.
//   dotnet run tools/fidelity/aug_stats.cs -- DATA.yaml [IMGSZ] [PASSES] [ultralytics]
using System.Globalization;
using GhostYolo.Data;
using GhostYolo.Data.Transforms;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var data = DatasetDefinition.Load(args[0]);
int imgsz = args.Length > 1 ? int.Parse(args[1]) : 320;
int passes = args.Length > 2 ? int.Parse(args[2]) : 2;
bool v5 = !(args.Length > 3 && args[3] == "ultralytics");
var index = LabelIndex.Scan(data, "train");
using var ds = new YoloDataset(index, data.Names, new DatasetOptions
{
    ImgSize = imgsz, Augment = true, BatchSize = 16, Augmentation = new AugmentOptions { Yolov5Mosaic = v5 },
});
var counts = new List<int>();
var sides = new List<double>();
var aspects = new List<double>();
var classes = new long[data.Names.Count];
var means = new List<double[]>();
var greys = new List<double>();
for (int p = 0; p < passes; p++)
    for (int i = 0; i < ds.Count; i++)
    {
        // The ultralytics pipeline draws mosaic partners from recently loaded images: give it the last 127 indices.
        var buffer = Enumerable.Range(Math.Max(0, i - 127), Math.Min(i + 1, 128)).ToList();
        var s = ds.GetItem(i, p, 0, buffer);
        int n = s.Labels.Length / 5, hw = s.Height * s.Width;
        counts.Add(n);
        for (int k = 0; k < n; k++)
        {
            double w = s.Labels[5 * k + 3] * s.Width, h = s.Labels[5 * k + 4] * s.Height;
            sides.Add(Math.Sqrt(w * h));
            aspects.Add(w / h);
            classes[(int)s.Labels[5 * k]]++;
        }
        var m = new double[3];
        int grey = 0;
        for (int j = 0; j < hw; j++)
        {
            byte r = s.Chw[j], g = s.Chw[hw + j], b = s.Chw[2 * hw + j];
            m[0] += r; m[1] += g; m[2] += b;
            if (r == 114 && g == 114 && b == 114) grey++;
        }
        means.Add([m[0] / hw, m[1] / hw, m[2] / hw]);
        greys.Add((double)grey / hw);
    }

static double Pct(List<double> v, double q)
{
    var s = v.Order().ToList();
    double pos = q / 100 * (s.Count - 1);
    int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, s.Count - 1);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
var c = counts.Select(x => (double)x).ToList();
Console.WriteLine($"GhostYolo ({(v5 ? "recipe=yolov5" : "ultralytics")} pipeline): {counts.Count} samples, labels/image mean {c.Average():F3} (median {Pct(c, 50):F0}, empty {counts.Count(x => x == 0) / (double)counts.Count:F3})");
Console.WriteLine($"  box side sqrt(wh) px: mean {sides.Average():F1} p10 {Pct(sides, 10):F1} p50 {Pct(sides, 50):F1} p90 {Pct(sides, 90):F1}");
double[] edges = [0, 8, 16, 32, 64, 128, 1e9];
var hist = Enumerable.Range(0, 6).Select(k => sides.Count(x => x >= edges[k] && x < edges[k + 1]) / (double)sides.Count);
Console.WriteLine("  side buckets <8 / 8-16 / 16-32 / 32-64 / 64-128 / >128: " + string.Join(" / ", hist.Select(x => x.ToString("F3"))));
Console.WriteLine($"  aspect w/h: mean {aspects.Average():F3} p10 {Pct(aspects, 10):F3} p90 {Pct(aspects, 90):F3}");
Console.WriteLine("  classes: " + string.Join(" ", classes.Select(x => (x / (double)sides.Count).ToString("F3"))));
var imageMeans = means.Select(m => (m[0] + m[1] + m[2]) / 3).ToList();
double mu = imageMeans.Average();
Console.WriteLine($"  pixel mean RGB: {means.Average(m => m[0]):F1} {means.Average(m => m[1]):F1} {means.Average(m => m[2]):F1}; spread of image means (std) {Math.Sqrt(imageMeans.Average(x => (x - mu) * (x - mu))):F1}");
Console.WriteLine($"  grey-114 pixels: {greys.Average():F3}");
