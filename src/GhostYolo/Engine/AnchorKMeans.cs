namespace GhostYolo.Engine;

/// <summary>
/// k-means on 2-D points as <c>scipy.cluster.vq.kmeans(obs, k, iter=30)</c>, which yolov5's AutoAnchor calls: <c>restarts</c>
/// runs of Lloyd's algorithm, each from k distinct random observations, until the mean distortion improves by at most
/// <c>thresh</c>; clusters left without members are dropped (so fewer than k centres can come back); the run with the lowest
/// mean distortion wins. Written here because it is twenty lines and AutoAnchor needs nothing else from a numerics package.
/// </summary>
internal static class AnchorKMeans
{
    /// <summary>Clusters <paramref name="points"/> (n, 2) into at most <paramref name="k"/> centres.</summary>
    /// <returns>The centres (m ≤ k rows) and their mean Euclidean distortion.</returns>
    public static (double[][] Centres, double Distortion) Run(IReadOnlyList<double[]> points, int k, Random rng, int restarts = 30, double thresh = 1e-5)
    {
        if (k < 1 || k > points.Count) throw new ArgumentOutOfRangeException(nameof(k), $"k = {k} needs 1 ≤ k ≤ {points.Count} points");
        double[][] best = [];
        double bestDist = double.PositiveInfinity;
        for (int run = 0; run < restarts; run++)
        {
            var guess = Sample(points.Count, k, rng).Select(i => (double[])points[i].Clone()).ToArray();
            var (book, dist) = Lloyd(points, guess, thresh);
            if (dist < bestDist) (best, bestDist) = (book, dist);
        }
        return (best, bestDist);
    }

    private static (double[][] Book, double Distortion) Lloyd(IReadOnlyList<double[]> obs, double[][] book, double thresh)
    {
        double previous = double.PositiveInfinity, current = double.PositiveInfinity, diff = double.PositiveInfinity;
        var code = new int[obs.Count];
        while (diff > thresh)
        {
            double sum = 0;
            for (int i = 0; i < obs.Count; i++)
            {
                int arg = 0;
                double d2 = double.PositiveInfinity;
                for (int c = 0; c < book.Length; c++)
                {
                    double dx = obs[i][0] - book[c][0], dy = obs[i][1] - book[c][1], d = dx * dx + dy * dy;
                    if (d < d2) (d2, arg) = (d, c);
                }
                code[i] = arg;
                sum += Math.Sqrt(d2);
            }
            (previous, current) = (current, sum / obs.Count);
            var mean = new double[book.Length][];
            var count = new int[book.Length];
            for (int c = 0; c < book.Length; c++) mean[c] = new double[2];
            for (int i = 0; i < obs.Count; i++)
            {
                mean[code[i]][0] += obs[i][0];
                mean[code[i]][1] += obs[i][1];
                count[code[i]]++;
            }
            book = Enumerable.Range(0, book.Length).Where(c => count[c] > 0)
                .Select(c => new[] { mean[c][0] / count[c], mean[c][1] / count[c] }).ToArray();
            diff = previous - current;
        }
        return (book, current);
    }

    /// <summary>k distinct indices out of n (partial Fisher–Yates).</summary>
    private static int[] Sample(int n, int k, Random rng)
    {
        var idx = Enumerable.Range(0, n).ToArray();
        for (int i = 0; i < k; i++)
        {
            int j = i + rng.Next(n - i);
            (idx[i], idx[j]) = (idx[j], idx[i]);
        }
        return idx[..k];
    }
}
