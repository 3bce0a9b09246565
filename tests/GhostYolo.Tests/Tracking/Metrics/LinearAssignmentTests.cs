using GhostYolo.Tracking;

namespace GhostYolo.Tests.Tracking.Metrics;

// Lives beside the metrics tests (which use it for every frame's matching); the solver itself is GhostYolo.Tracking.
public class LinearAssignmentTests
{
    const double Inf = double.PositiveInfinity;

    static double Total(double[,] c, (int Row, int Col)[] pairs) => pairs.Sum(p => c[p.Row, p.Col]);

    [Fact]
    public void Square_PicksTheMinimumNotTheGreedyChoice()
    {
        // Greedy would take (0,0)=1 and then be forced into (1,1)=100; the optimum is 2 + 3 = 5.
        double[,] c = { { 1, 2 }, { 3, 100 } };
        Assert.Equal([(0, 1), (1, 0)], LinearAssignment.Solve(c));
    }

    [Fact]
    public void Classic3x3()
    {
        // scipy's docstring example: rows → cols 1, 0, 2 with cost 1 + 2 + 2 = 5.
        double[,] c = { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } };
        var pairs = LinearAssignment.Solve(c);
        Assert.Equal([(0, 1), (1, 0), (2, 2)], pairs);
        Assert.Equal(5, Total(c, pairs));
    }

    [Fact]
    public void WideAndTall_AssignMinOfRowsAndCols_SortedByRow()
    {
        double[,] wide = { { 5, 1, 9, 9 }, { 1, 5, 9, 0.5 } };
        Assert.Equal([(0, 1), (1, 3)], LinearAssignment.Solve(wide));

        double[,] tall = { { 5, 1 }, { 1, 5 }, { 9, 9 }, { 9, 0.5 } };   // the transpose
        // rows 1 and 3 take cols 0 and 1 (1 + 0.5); sorted by row.
        Assert.Equal([(1, 0), (3, 1)], LinearAssignment.Solve(tall));
    }

    [Fact]
    public void Ties_GiveAValidOptimalAssignment()
    {
        double[,] c = { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } };
        var pairs = LinearAssignment.Solve(c);
        Assert.Equal(3, pairs.Length);
        Assert.Equal(3, pairs.Select(p => p.Col).Distinct().Count());
        Assert.Equal([0, 1, 2], pairs.Select(p => p.Row));
        // Deterministic: the same input gives the same answer.
        Assert.Equal(pairs, LinearAssignment.Solve(c));
    }

    [Fact]
    public void InfinityIsForbidden_AndAnInfeasibleMatrixThrows()
    {
        double[,] c = { { Inf, 1 }, { 2, Inf } };
        Assert.Equal([(0, 1), (1, 0)], LinearAssignment.Solve(c));

        double[,] wide = { { Inf, Inf, 7 }, { 1, Inf, 3 } };
        Assert.Equal([(0, 2), (1, 0)], LinearAssignment.Solve(wide));

        double[,] infeasible = { { Inf, 1 }, { Inf, 2 } };
        Assert.Throws<InvalidOperationException>(() => LinearAssignment.Solve(infeasible));
        Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(new double[,] { { double.NaN } }));
    }

    [Fact]
    public void LargeCostsDoNotLoseTheSmallDifferences()
    {
        // Only one assignment avoids every 1e9 entry (1 + 4 + 2 = 7); the solver must not lose it in rounding.
        double[,] c = { { 1e9, 3, 1 }, { 4, 1e9, 1e9 }, { 1e9, 2, 1e9 } };
        Assert.Equal([(0, 2), (1, 0), (2, 1)], LinearAssignment.Solve(c));
    }

    [Fact]
    public void Empty()
    {
        Assert.Empty(LinearAssignment.Solve(new double[0, 0]));
        Assert.Empty(LinearAssignment.Solve(new double[0, 3]));
        Assert.Empty(LinearAssignment.Solve(new double[2, 0]));

        var (m, ur, uc) = LinearAssignment.Solve(new double[2, 0], 0.5);
        Assert.Empty(m);
        Assert.Equal([0, 1], ur);
        Assert.Empty(uc);
        (m, ur, uc) = LinearAssignment.Solve(new double[0, 3], 0.5);
        Assert.Empty(m);
        Assert.Empty(ur);
        Assert.Equal([0, 1, 2], uc);
    }

    [Fact]
    public void RandomMatrices_MatchBruteForce()
    {
        var rng = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            int rows = rng.Next(1, 6), cols = rng.Next(1, 6);
            var c = new double[rows, cols];
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < cols; j++)
                    c[i, j] = rng.Next(0, 4) == 0 ? rng.Next(0, 3) : Math.Round(rng.NextDouble() * 10, 2);   // many ties
            var pairs = LinearAssignment.Solve(c);
            Assert.Equal(Math.Min(rows, cols), pairs.Length);
            Assert.Equal(pairs.Length, pairs.Select(p => p.Col).Distinct().Count());
            Assert.Equal(BruteForceMin(c), Total(c, pairs), 9);
        }
    }

    static double BruteForceMin(double[,] c)
    {
        int rows = c.GetLength(0), cols = c.GetLength(1);
        var k = Math.Min(rows, cols);
        var best = Inf;
        void Go(int r, int used, int taken, double sum)
        {
            if (taken == k) { best = Math.Min(best, sum); return; }
            if (r == rows) return;
            if (rows - r > k - taken) Go(r + 1, used, taken, sum);        // row r stays unassigned (tall matrices)
            for (var j = 0; j < cols; j++)
                if ((used & (1 << j)) == 0) Go(r + 1, used | (1 << j), taken + 1, sum + c[r, j]);
        }
        Go(0, 0, 0, 0);
        return best;
    }

    // ---- thresholded (ultralytics matching.linear_assignment / lap.lapjv(extend_cost=True, cost_limit)) ----

    [Fact]
    public void Threshold_PairsAboveItStayUnmatched()
    {
        // IoU-distance style costs with thresh 0.8: (1,1)=0.9 is too far, so row 1 and col 1 stay unmatched.
        double[,] c = { { 0.1, 0.95, 0.99 }, { 0.97, 0.9, 0.85 } };
        var (m, ur, uc) = LinearAssignment.Solve(c, 0.8);
        Assert.Equal([(0, 0)], m);
        Assert.Equal([1], ur);
        Assert.Equal([1, 2], uc);
    }

    [Fact]
    public void Threshold_IsNotHungarianThenFilter()
    {
        // With lap's cost_limit an unmatched row or column costs thresh/2. For thresh 0.5 a full Hungarian assignment
        // picks (0,1)+(1,0) = 0.9 (vs 9.2) and both pairs pass the filter; lap instead compares it with (0,0) matched
        // and row 1, col 1 unmatched: 0.2 + 0.25 + 0.25 = 0.7 < 0.9, so there is one match.
        double[,] c = { { 0.2, 0.45 }, { 0.45, 9 } };
        var (m, ur, uc) = LinearAssignment.Solve(c, 0.5);
        Assert.Equal([(0, 0)], m);
        Assert.Equal([1], ur);
        Assert.Equal([1], uc);
    }

    [Fact]
    public void Threshold_RectangularWithInfinities()
    {
        double[,] c = { { Inf, 0.3 }, { 0.2, Inf }, { 0.1, 0.25 } };
        // Two columns, three rows: the best is (0,1)+(2,0) = 0.4 leaving row 1 (+0.35), or (1,0)+(2,1) = 0.45 (+0.35),
        // or (0,1)+(1,0) = 0.5: the first wins.
        var (m, ur, uc) = LinearAssignment.Solve(c, 0.7);
        Assert.Equal([(0, 1), (2, 0)], m);
        Assert.Equal([1], ur);
        Assert.Empty(uc);
    }

    [Fact]
    public void Threshold_InfiniteMaximisesTheNumberOfMatches()
    {
        // Matching both (cost 100 + 100) beats matching one (cost 1): an infinite threshold never leaves a pair out.
        double[,] c = { { 1, 100 }, { 100, Inf } };
        var (m, ur, uc) = LinearAssignment.Solve(c, Inf);
        Assert.Equal([(0, 1), (1, 0)], m);
        Assert.Empty(ur);
        Assert.Empty(uc);
    }

    [Fact]
    public void Threshold_RandomMatricesMatchBruteForce()
    {
        var rng = new Random(11);
        for (var trial = 0; trial < 200; trial++)
        {
            int rows = rng.Next(1, 5), cols = rng.Next(1, 5);
            var thresh = Math.Round(rng.NextDouble(), 3) + 0.0005;        // never exactly a cost: no ties at the limit
            var c = new double[rows, cols];
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < cols; j++)
                    c[i, j] = rng.Next(0, 6) == 0 ? Inf : Math.Round(rng.NextDouble() * 1.2, 3);
            var (m, ur, uc) = LinearAssignment.Solve(c, thresh);
            Assert.All(m, p => Assert.True(c[p.Row, p.Col] <= thresh));
            Assert.Equal(rows, m.Length + ur.Length);
            Assert.Equal(cols, m.Length + uc.Length);
            var objective = Total(c, m) + thresh / 2 * (ur.Length + uc.Length);
            Assert.Equal(BruteForcePartial(c, thresh), objective, 9);
        }
    }

    static double BruteForcePartial(double[,] c, double thresh)
    {
        int rows = c.GetLength(0), cols = c.GetLength(1);
        var best = Inf;
        void Go(int r, int used, int matched, double sum)
        {
            if (r == rows)
            {
                best = Math.Min(best, sum + thresh / 2 * (rows - matched + cols - matched));
                return;
            }
            Go(r + 1, used, matched, sum);
            for (var j = 0; j < cols; j++)
                if ((used & (1 << j)) == 0 && c[r, j] <= thresh) Go(r + 1, used | (1 << j), matched + 1, sum + c[r, j]);
        }
        Go(0, 0, 0, 0);
        return best;
    }
}
