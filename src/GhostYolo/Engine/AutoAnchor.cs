using System.Globalization;
using GhostYolo.Data;

namespace GhostYolo.Engine;

/// <summary>What <see cref="AutoAnchor.Check"/> found and did.</summary>
/// <param name="Bpr">Best possible recall of the model's anchors on the (jittered) training labels.</param>
/// <param name="AnchorsPerTarget">Mean number of anchors within the anchor_t ratio of a label.</param>
/// <param name="Anchors">The anchors to use, (n, 2) pixels, sorted as given (original) or small to large (new).</param>
/// <param name="Replaced">True when evolved anchors beat the original ones and replace them.</param>
/// <param name="Lines">The report, in yolov5's words.</param>
internal sealed record AutoAnchorResult(double Bpr, double AnchorsPerTarget, float[][] Anchors, bool Replaced, IReadOnlyList<string> Lines);

/// <summary>
/// yolov5 v7.0 <c>utils/autoanchor.py</c>: <c>check_anchors</c> measures how well the anchors fit the training labels (the ratio
/// metric min(r, 1/r) over w and h, a label counting as recallable when its best anchor is within anchor_t) with yolov5's random
/// 0.9–1.1 scale per image, and below 0.98 best possible recall runs <c>kmean_anchors</c>: k-means on whitened label sizes, then a
/// genetic evolution (1000 generations, mutation probability 0.9, sigma 0.1) of the anchors' fitness; the new anchors are kept only
/// if their recall is higher. All randomness comes from one <see cref="Random"/>, so a seed gives the same anchors.
/// </summary>
internal static class AutoAnchor
{
    private const string Prefix = "AutoAnchor: ";

    /// <summary>Label sizes in pixels at the training size: each image scaled so its long side is <paramref name="imgsz"/>, times
    /// <paramref name="scale"/>[image] when given (one factor per image, yolov5's augment jitter).</summary>
    public static float[][] LabelSizes(IReadOnlyList<LabeledImage> images, int imgsz, double[]? scale = null)
    {
        var wh = new List<float[]>();
        for (int i = 0; i < images.Count; i++)
        {
            var im = images[i];
            double m = Math.Max(im.Width, im.Height), s = scale?[i] ?? 1.0;
            double sw = imgsz * im.Width / m * s, sh = imgsz * im.Height / m * s;
            foreach (var b in im.Boxes) wh.Add([(float)(b.W * sw), (float)(b.H * sh)]);
        }
        return [.. wh];
    }

    /// <summary>Ratio metric of every label against every anchor: x[i][j] = min over (w, h) of min(r, 1/r), r = label / anchor.</summary>
    private static float Ratio(float[] wh, float[] k)
    {
        float rw = wh[0] / k[0], rh = wh[1] / k[1];
        return Math.Min(Math.Min(rw, 1 / rw), Math.Min(rh, 1 / rh));
    }

    /// <summary>(best possible recall, anchors above threshold per label) as <c>check_anchors.metric</c>.</summary>
    public static (double Bpr, double Aat) Metric(IReadOnlyList<float[]> wh, IReadOnlyList<float[]> anchors, double thr)
    {
        if (wh.Count == 0) return (0, 0);
        double bpr = 0, aat = 0, inv = 1 / thr;
        foreach (var l in wh)
        {
            float best = 0;
            foreach (var k in anchors)
            {
                float x = Ratio(l, k);
                if (x > inv) aat++;
                best = Math.Max(best, x);
            }
            if (best > inv) bpr++;
        }
        return (bpr / wh.Count, aat / wh.Count);
    }

    /// <summary><c>kmean_anchors.anchor_fitness</c>: mean over labels of best·[best &gt; 1/thr].</summary>
    public static double Fitness(IReadOnlyList<float[]> wh, IReadOnlyList<float[]> anchors, double thr)
    {
        if (wh.Count == 0) return 0;
        double sum = 0, inv = 1 / thr;
        foreach (var l in wh)
        {
            float best = 0;
            foreach (var k in anchors) best = Math.Max(best, Ratio(l, k));
            if (best > inv) sum += best;
        }
        return sum / wh.Count;
    }

    /// <summary>
    /// <c>check_anchors</c>: measures the anchors (pixels, all levels flattened in the head's order) on the training labels at
    /// <paramref name="imgsz"/>; when BPR ≤ 0.98 evolves new ones and returns them if their recall is higher.
    /// </summary>
    public static AutoAnchorResult Check(IReadOnlyList<LabeledImage> images, float[][] anchors, int imgsz, double thr, Random rng, int generations = 1000)
    {
        var scale = images.Select(_ => 0.9 + 0.2 * rng.NextDouble()).ToArray();
        var wh = LabelSizes(images, imgsz, scale);
        var (bpr, aat) = Metric(wh, anchors, thr);
        var lines = new List<string>();
        string s = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{aat:F2} anchors/target, {bpr:F3} Best Possible Recall (BPR). ");
        if (bpr > 0.98)
        {
            lines.Add(s + "Current anchors are a good fit to dataset ✅");
            return new AutoAnchorResult(bpr, aat, anchors, false, lines);
        }
        lines.Add(s + "Anchors are a poor fit to dataset ⚠️, attempting to improve...");
        var evolved = KMeanAnchors(images, anchors.Length, imgsz, thr, rng, generations, lines);
        double newBpr = Metric(wh, evolved, thr).Bpr;
        if (newBpr > bpr)
        {
            lines.Add($"{Prefix}Done ✅ (optional: update model *.yaml to use these anchors in the future)");
            return new AutoAnchorResult(bpr, aat, evolved, true, lines);
        }
        lines.Add($"{Prefix}Done ⚠️ (original anchors better than new anchors, proceeding with original anchors)");
        return new AutoAnchorResult(bpr, aat, anchors, false, lines);
    }

    /// <summary>
    /// <c>kmean_anchors</c>: k-means on label sizes (those with a side ≥ 2 px) whitened by their standard deviation, random
    /// initialisation if k-means cannot give <paramref name="n"/> centres, then <paramref name="generations"/> mutations kept when
    /// they raise <see cref="Fitness"/>. Returns the anchors sorted by area, small to large.
    /// </summary>
    public static float[][] KMeanAnchors(IReadOnlyList<LabeledImage> images, int n, int imgsz, double thr, Random rng, int generations = 1000,
        List<string>? lines = null)
    {
        var wh0 = LabelSizes(images, imgsz);
        int small = wh0.Count(w => w[0] < 3 || w[1] < 3);
        if (small > 0) lines?.Add($"{Prefix}WARNING ⚠️ Extremely small objects found: {small} of {wh0.Length} labels are <3 pixels in size");
        var wh = wh0.Where(w => w[0] >= 2 || w[1] >= 2).ToArray();
        lines?.Add($"{Prefix}Running kmeans for {n} anchors on {wh.Length} points...");

        double[][] k;
        double[][]? centres = null;
        if (n <= wh.Length)
        {
            var sigma = new double[2];
            for (int d = 0; d < 2; d++)
            {
                double mean = wh.Average(w => (double)w[d]);
                sigma[d] = Math.Sqrt(wh.Average(w => (w[d] - mean) * (w[d] - mean)));   // numpy std (ddof 0)
            }
            if (sigma[0] > 0 && sigma[1] > 0)
            {
                var white = wh.Select(w => new[] { w[0] / sigma[0], w[1] / sigma[1] }).ToArray();
                var (book, _) = AnchorKMeans.Run(white, n, rng);
                if (book.Length == n) centres = book.Select(c => new[] { c[0] * sigma[0], c[1] * sigma[1] }).ToArray();
            }
        }
        if (centres is null)
        {
            lines?.Add($"{Prefix}WARNING ⚠️ switching strategies from kmeans to random init");
            var r = Enumerable.Range(0, 2 * n).Select(_ => rng.NextDouble()).Order().ToArray();
            centres = Enumerable.Range(0, n).Select(i => new[] { r[2 * i] * imgsz, r[2 * i + 1] * imgsz }).ToArray();
        }
        k = SortByArea(centres);

        float[][] F(double[][] a) => a.Select(v => new[] { (float)v[0], (float)v[1] }).ToArray();
        double f = Fitness(wh, F(k), thr);
        const double mp = 0.9, sig = 0.1;
        for (int g = 0; g < generations; g++)
        {
            var v = new double[n][];
            bool unchanged = true;
            while (unchanged)
            {
                double rr = rng.NextDouble();   // python random.random(): one factor for the whole mutation
                for (int i = 0; i < n; i++)
                {
                    v[i] = new double[2];
                    for (int d = 0; d < 2; d++)
                    {
                        double m = rng.NextDouble() < mp ? 1.0 : 0.0;
                        v[i][d] = Math.Clamp(m * rr * Gaussian(rng) * sig + 1, 0.3, 3.0);
                        if (v[i][d] != 1) unchanged = false;
                    }
                }
            }
            var kg = k.Select((a, i) => new[] { Math.Max(a[0] * v[i][0], 2.0), Math.Max(a[1] * v[i][1], 2.0) }).ToArray();
            double fg = Fitness(wh, F(kg), thr);
            if (fg > f) (f, k) = (fg, kg);
        }
        k = SortByArea(k);
        var result = F(k);
        if (lines is not null)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}Evolving anchors with Genetic Algorithm: fitness = {f:F4}"));
            lines.AddRange(Results(result, wh0, n, imgsz, thr));
        }
        return result;
    }

    /// <summary><c>print_results</c>: recall, anchors past threshold, mean metrics and the anchors rounded to pixels.</summary>
    private static IEnumerable<string> Results(float[][] k, float[][] wh0, int n, int imgsz, double thr)
    {
        double inv = 1 / thr, all = 0, best = 0, past = 0, bpr = 0;
        int pastCount = 0;
        foreach (var l in wh0)
        {
            float b = 0;
            foreach (var a in k)
            {
                float x = Ratio(l, a);
                all += x;
                if (x > inv) { past += x; pastCount++; }
                b = Math.Max(b, x);
            }
            best += b;
            if (b > inv) bpr++;
        }
        int m = Math.Max(wh0.Length, 1);
        var c = CultureInfo.InvariantCulture;
        yield return string.Create(c, $"{Prefix}thr={inv:F2}: {bpr / m:F4} best possible recall, {(double)pastCount / (m * k.Length) * n:F2} anchors past thr");
        yield return string.Create(c, $"{Prefix}n={n}, img_size={imgsz}, metric_all={all / (m * k.Length):F3}/{best / m:F3}-mean/best, ") +
            string.Create(c, $"past_thr={(pastCount > 0 ? past / pastCount : double.NaN):F3}-mean: ") +
            string.Join(", ", k.Select(a => string.Create(c, $"{Math.Round(a[0], MidpointRounding.ToEven):F0},{Math.Round(a[1], MidpointRounding.ToEven):F0}")));
    }

    private static double[][] SortByArea(double[][] k) => [.. k.OrderBy(a => a[0] * a[1])];

    /// <summary>Standard normal draw (Box–Muller).</summary>
    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
