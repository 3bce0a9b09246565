using MathNet.Numerics.LinearAlgebra;

namespace GhostYolo.Tracking;

/// <summary>How a box is measured: centre, aspect ratio and height (ByteTrack) or centre, width and height (BoT-SORT).</summary>
public enum BoxMeasurement
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
public sealed class KalmanBoxFilter(BoxMeasurement measurement)
{
    private const double WeightPosition = 1.0 / 20, WeightVelocity = 1.0 / 160;
    private static readonly MatrixBuilder<double> M = Matrix<double>.Build;
    private static readonly VectorBuilder<double> V = Vector<double>.Build;
    // x' = F x with unit time step; z = H x.
    private static readonly Matrix<double> F = M.DenseIdentity(8).Add(M.Dense(8, 8, (i, j) => j == i + 4 ? 1.0 : 0.0));
    private static readonly Matrix<double> H = M.Dense(4, 8, (i, j) => i == j ? 1.0 : 0.0);

    public BoxMeasurement Measurement { get; } = measurement;

    /// <summary>A new track's state from its first measurement; velocities start at zero.</summary>
    public (Vector<double> Mean, Matrix<double> Covariance) Initiate(Vector<double> z)
    {
        var mean = V.Dense(8);
        z.CopySubVectorTo(mean, 0, 0, 4);
        double[] std = Measurement == BoxMeasurement.Xyah
            ? [2 * WeightPosition * z[3], 2 * WeightPosition * z[3], 1e-2, 2 * WeightPosition * z[3],
               10 * WeightVelocity * z[3], 10 * WeightVelocity * z[3], 1e-5, 10 * WeightVelocity * z[3]]
            : [2 * WeightPosition * z[2], 2 * WeightPosition * z[3], 2 * WeightPosition * z[2], 2 * WeightPosition * z[3],
               10 * WeightVelocity * z[2], 10 * WeightVelocity * z[3], 10 * WeightVelocity * z[2], 10 * WeightVelocity * z[3]];
        return (mean, Diagonal(std));
    }

    /// <summary>One time step ahead.</summary>
    public (Vector<double> Mean, Matrix<double> Covariance) Predict(Vector<double> mean, Matrix<double> covariance)
    {
        double[] std = Measurement == BoxMeasurement.Xyah
            ? [WeightPosition * mean[3], WeightPosition * mean[3], 1e-2, WeightPosition * mean[3],
               WeightVelocity * mean[3], WeightVelocity * mean[3], 1e-5, WeightVelocity * mean[3]]
            : [WeightPosition * mean[2], WeightPosition * mean[3], WeightPosition * mean[2], WeightPosition * mean[3],
               WeightVelocity * mean[2], WeightVelocity * mean[3], WeightVelocity * mean[2], WeightVelocity * mean[3]];
        return (F * mean, F * covariance * F.Transpose() + Diagonal(std));
    }

    /// <summary>The state projected to measurement space, with the measurement noise added.</summary>
    public (Vector<double> Mean, Matrix<double> Covariance) Project(Vector<double> mean, Matrix<double> covariance)
    {
        double[] std = Measurement == BoxMeasurement.Xyah
            ? [WeightPosition * mean[3], WeightPosition * mean[3], 1e-1, WeightPosition * mean[3]]
            : [WeightPosition * mean[2], WeightPosition * mean[3], WeightPosition * mean[2], WeightPosition * mean[3]];
        return (H * mean, H * covariance * H.Transpose() + Diagonal(std));
    }

    /// <summary>The correction step with measurement <paramref name="z"/> (Kalman gain through a Cholesky solve).</summary>
    public (Vector<double> Mean, Matrix<double> Covariance) Update(Vector<double> mean, Matrix<double> covariance, Vector<double> z)
    {
        var (projectedMean, projectedCov) = Project(mean, covariance);
        // K = P Hᵀ S⁻¹, solved as S Kᵀ = H Pᵀ.
        var gain = projectedCov.Cholesky().Solve((covariance * H.Transpose()).Transpose()).Transpose();
        var innovation = z - projectedMean;
        return (mean + gain * innovation, covariance - gain * projectedCov * gain.Transpose());
    }

    /// <summary>A top-left (x, y, w, h) box in this filter's measurement form.</summary>
    public Vector<double> Measure(double x, double y, double w, double h)
        => Measurement == BoxMeasurement.Xyah ? V.Dense([x + w / 2, y + h / 2, w / h, h]) : V.Dense([x + w / 2, y + h / 2, w, h]);

    /// <summary>The state's box as top-left (x, y, w, h).</summary>
    public (double X, double Y, double W, double H) Box(Vector<double> mean)
    {
        double w = Measurement == BoxMeasurement.Xyah ? mean[2] * mean[3] : mean[2], h = mean[3];
        return (mean[0] - w / 2, mean[1] - h / 2, w, h);
    }

    private static Matrix<double> Diagonal(double[] std) => M.DenseDiagonal(std.Length, std.Length, i => std[i] * std[i]);
}
