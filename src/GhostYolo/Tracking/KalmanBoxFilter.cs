namespace GhostYolo.Tracking;

/// <summary>How a box is measured: centre, aspect ratio and height (ByteTrack) or centre, width and height (BoT-SORT).</summary>
internal enum BoxMeasurement
{
    /// <summary>(cx, cy, w/h, h): ultralytics <c>KalmanFilterXYAH</c>, used by ByteTrack.</summary>
    Xyah,
    /// <summary>(cx, cy, w, h): ultralytics <c>KalmanFilterXYWH</c>, used by BoT-SORT.</summary>
    Xywh,
}

/// <summary>
/// The constant-velocity Kalman filter of SORT / DeepSORT / ByteTrack on an 8-dimensional state (the 4 measured box
/// values and their velocities), with noise proportional to the box size as in ultralytics' <c>KalmanFilterXYAH</c> and
/// <c>KalmanFilterXYWH</c> (position weight 1/20, velocity weight 1/160).
/// </summary>
/// <remarks>
/// Written out on plain arrays: the motion and measurement matrices are identities with a shifted block, so every product
/// reduces to a few loops. MathNet.Numerics did the same work 25–80× slower here (its default multi-threaded provider
/// spends ~2 ms per predict + update on 8×8 matrices), which made ByteTrack cost 3–6 ms per frame.
/// </remarks>
internal sealed class KalmanBoxFilter(BoxMeasurement measurement)
{
    private const double WeightPosition = 1.0 / 20, WeightVelocity = 1.0 / 160;

    public BoxMeasurement Measurement { get; } = measurement;

    /// <summary>A new track's state from its first measurement; velocities start at zero.</summary>
    public (double[] Mean, double[,] Covariance) Initiate(double[] z)
    {
        var mean = new double[8];
        Array.Copy(z, mean, 4);
        double[] std = Measurement == BoxMeasurement.Xyah
            ? [2 * WeightPosition * z[3], 2 * WeightPosition * z[3], 1e-2, 2 * WeightPosition * z[3],
               10 * WeightVelocity * z[3], 10 * WeightVelocity * z[3], 1e-5, 10 * WeightVelocity * z[3]]
            : [2 * WeightPosition * z[2], 2 * WeightPosition * z[3], 2 * WeightPosition * z[2], 2 * WeightPosition * z[3],
               10 * WeightVelocity * z[2], 10 * WeightVelocity * z[3], 10 * WeightVelocity * z[2], 10 * WeightVelocity * z[3]];
        var p = new double[8, 8];
        for (int i = 0; i < 8; i++) p[i, i] = std[i] * std[i];
        return (mean, p);
    }

    /// <summary>One time step ahead: x' = F x, P' = F P Fᵀ + Q with F = [[I, I], [0, I]].</summary>
    public (double[] Mean, double[,] Covariance) Predict(double[] mean, double[,] covariance)
    {
        double[] std = Measurement == BoxMeasurement.Xyah
            ? [WeightPosition * mean[3], WeightPosition * mean[3], 1e-2, WeightPosition * mean[3],
               WeightVelocity * mean[3], WeightVelocity * mean[3], 1e-5, WeightVelocity * mean[3]]
            : [WeightPosition * mean[2], WeightPosition * mean[3], WeightPosition * mean[2], WeightPosition * mean[3],
               WeightVelocity * mean[2], WeightVelocity * mean[3], WeightVelocity * mean[2], WeightVelocity * mean[3]];
        var m = (double[])mean.Clone();
        for (int i = 0; i < 4; i++) m[i] += mean[i + 4];
        // F P: row i (< 4) gains row i + 4.
        var fp = (double[,])covariance.Clone();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 8; j++) fp[i, j] += covariance[i + 4, j];
        // (F P) Fᵀ: column j (< 4) gains column j + 4.
        var p = (double[,])fp.Clone();
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 4; j++) p[i, j] += fp[i, j + 4];
        for (int i = 0; i < 8; i++) p[i, i] += std[i] * std[i];
        return (m, p);
    }

    /// <summary>The state projected to measurement space (H x, H P Hᵀ + R with H = [I, 0]).</summary>
    public (double[] Mean, double[,] Covariance) Project(double[] mean, double[,] covariance)
    {
        double[] std = Measurement == BoxMeasurement.Xyah
            ? [WeightPosition * mean[3], WeightPosition * mean[3], 1e-1, WeightPosition * mean[3]]
            : [WeightPosition * mean[2], WeightPosition * mean[3], WeightPosition * mean[2], WeightPosition * mean[3]];
        var s = new double[4, 4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) s[i, j] = covariance[i, j];
        for (int i = 0; i < 4; i++) s[i, i] += std[i] * std[i];
        return (mean[..4], s);
    }

    /// <summary>The correction with measurement <paramref name="z"/>: K = P Hᵀ S⁻¹ (S by Cholesky), x += K (z − H x), P −= K S Kᵀ.</summary>
    public (double[] Mean, double[,] Covariance) Update(double[] mean, double[,] covariance, double[] z)
    {
        var (projected, s) = Project(mean, covariance);
        var l = Cholesky(s);
        // Kᵀ = S⁻¹ (P Hᵀ)ᵀ: solve S kᵀ = (row i of P, first 4 columns) for each of the 8 rows.
        var k = new double[8, 4];
        var row = new double[4];
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 4; j++) row[j] = covariance[i, j];
            var x = Solve(l, row);
            for (int j = 0; j < 4; j++) k[i, j] = x[j];
        }
        var m = (double[])mean.Clone();
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 4; j++) m[i] += k[i, j] * (z[j] - projected[j]);
        // K S Kᵀ
        var ks = new double[8, 4];
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 4; j++)
                for (int t = 0; t < 4; t++) ks[i, j] += k[i, t] * s[t, j];
        var p = (double[,])covariance.Clone();
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
            {
                double v = 0;
                for (int t = 0; t < 4; t++) v += ks[i, t] * k[j, t];
                p[i, j] -= v;
            }
        return (m, p);
    }

    /// <summary>A top-left (x, y, w, h) box in this filter's measurement form.</summary>
    public double[] Measure(double x, double y, double w, double h)
        => Measurement == BoxMeasurement.Xyah ? [x + w / 2, y + h / 2, w / h, h] : [x + w / 2, y + h / 2, w, h];

    /// <summary>The state's box as top-left (x, y, w, h).</summary>
    public (double X, double Y, double W, double H) Box(double[] mean)
    {
        double w = Measurement == BoxMeasurement.Xyah ? mean[2] * mean[3] : mean[2], h = mean[3];
        return (mean[0] - w / 2, mean[1] - h / 2, w, h);
    }

    /// <summary>Lower-triangular L with L Lᵀ = <paramref name="a"/> (symmetric positive definite 4×4).</summary>
    private static double[,] Cholesky(double[,] a)
    {
        var l = new double[4, 4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i, j];
                for (int t = 0; t < j; t++) sum -= l[i, t] * l[j, t];
                l[i, j] = i == j ? Math.Sqrt(sum) : sum / l[j, j];
            }
        return l;
    }

    /// <summary>x with L Lᵀ x = b.</summary>
    private static double[] Solve(double[,] l, double[] b)
    {
        var y = new double[4];
        for (int i = 0; i < 4; i++)
        {
            double sum = b[i];
            for (int t = 0; t < i; t++) sum -= l[i, t] * y[t];
            y[i] = sum / l[i, i];
        }
        var x = new double[4];
        for (int i = 3; i >= 0; i--)
        {
            double sum = y[i];
            for (int t = i + 1; t < 4; t++) sum -= l[t, i] * x[t];
            x[i] = sum / l[i, i];
        }
        return x;
    }
}
