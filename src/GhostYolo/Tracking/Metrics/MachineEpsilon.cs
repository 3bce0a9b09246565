namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// numpy's <c>np.finfo(float).eps</c> (2⁻⁵²). TrackEval compares with it everywhere ("similarity ≥ 0.5 − eps",
/// "score > 0 + eps"); using the same margins keeps borderline boxes on the same side of every threshold.
/// Not <see cref="double.Epsilon"/>, which is the smallest subnormal.
/// </summary>
static class MachineEpsilon
{
    public const double Value = 2.220446049250313e-16;
}
