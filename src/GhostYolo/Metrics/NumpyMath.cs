namespace GhostYolo.Metrics;

/// <summary>
/// The few numpy routines the ultralytics metric code leans on, with numpy's exact edge semantics
/// (<c>np.linspace</c>, <c>np.interp</c>, <c>np.trapz</c>, and ultralytics' <c>smooth</c>).
/// </summary>
internal static class NumpyMath
{
    /// <summary><c>np.linspace(start, stop, num)</c>: i·step + start, last element exactly <paramref name="stop"/>.</summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        var y = new double[num];
        if (num == 0) return y;
        var step = num > 1 ? (stop - start) / (num - 1) : 0;
        for (var i = 0; i < num; i++) y[i] = i * step + start;
        if (num > 1) y[^1] = stop;
        return y;
    }

    /// <summary>
    /// <c>np.interp(x, xp, fp, left, right)</c> for non-decreasing <paramref name="xp"/>: below xp[0] → left (default fp[0]),
    /// above xp[^1] → right (default fp[^1]); otherwise linear between xp[j] and xp[j+1] where j is the last index with
    /// xp[j] ≤ x (so with repeated xp values the right-most duplicate is used, and x == xp[j] returns fp[j]).
    /// </summary>
    public static double[] Interp(IReadOnlyList<double> x, IReadOnlyList<double> xp, IReadOnlyList<double> fp,
        double? left = null, double? right = null)
    {
        var n = xp.Count;
        if (n == 0 || fp.Count != n) throw new ArgumentException("xp and fp must be non-empty and of equal length.");
        double l = left ?? fp[0], r = right ?? fp[n - 1];
        var y = new double[x.Count];
        for (var i = 0; i < x.Count; i++)
        {
            var v = x[i];
            if (double.IsNaN(v)) { y[i] = v; continue; }
            if (v > xp[n - 1]) { y[i] = r; continue; }
            if (v < xp[0]) { y[i] = l; continue; }
            // bisection: first index with xp[k] > v, minus one
            int lo = 0, hi = n;
            while (lo < hi)
            {
                var mid = lo + ((hi - lo) >> 1);
                if (v >= xp[mid]) lo = mid + 1; else hi = mid;
            }
            var j = lo - 1;
            if (j == n - 1 || xp[j] == v) { y[i] = fp[j]; continue; }
            var slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
            var res = slope * (v - xp[j]) + fp[j];
            if (double.IsNaN(res))
            {
                res = slope * (v - xp[j + 1]) + fp[j + 1];
                if (double.IsNaN(res) && fp[j] == fp[j + 1]) res = fp[j];
            }
            y[i] = res;
        }
        return y;
    }

    /// <summary><c>np.trapz(y, x)</c>: Σ (x[i+1] − x[i]) · (y[i+1] + y[i]) / 2.</summary>
    public static double Trapz(IReadOnlyList<double> y, IReadOnlyList<double> x)
    {
        var s = 0.0;
        for (var i = 0; i + 1 < y.Count; i++) s += (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0;
        return s;
    }

    /// <summary>
    /// ultralytics <c>metrics.smooth(y, f)</c>: box filter of odd width nf = round(len·f·2) // 2 + 1, the ends padded
    /// with nf // 2 copies of the end values, "valid" convolution (same length as y).
    /// </summary>
    public static double[] Smooth(IReadOnlyList<double> y, double f = 0.05)
    {
        var n = y.Count;
        if (n == 0) return [];
        var nf = (int)Math.Round(n * f * 2) / 2 + 1;
        var half = nf / 2;
        var yp = new double[n + 2 * half];
        for (var i = 0; i < yp.Length; i++) yp[i] = i < half ? y[0] : i >= half + n ? y[n - 1] : y[i - half];
        var w = 1.0 / nf;
        var outY = new double[yp.Length - nf + 1];
        for (var i = 0; i < outY.Length; i++)
        {
            var s = 0.0;
            for (var k = 0; k < nf; k++) s += yp[i + k] * w;
            outY[i] = s;
        }
        return outY;
    }

    /// <summary>Index of the first maximum (<c>np.argmax</c>).</summary>
    public static int ArgMax(IReadOnlyList<double> y)
    {
        var best = 0;
        for (var i = 1; i < y.Count; i++) if (y[i] > y[best]) best = i;
        return best;
    }
}
