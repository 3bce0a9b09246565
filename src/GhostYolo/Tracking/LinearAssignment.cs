namespace GhostYolo.Tracking;

/// <summary>
/// Minimum-cost assignment on a rectangular cost matrix: the shortest-augmenting-path form of the
/// Hungarian / Jonker-Volgenant method (Crouse 2016, the algorithm behind
/// <c>scipy.optimize.linear_sum_assignment</c>), plus ultralytics' thresholded
/// <c>matching.linear_assignment(cost, thresh)</c>, which calls <c>lap.lapjv(extend_cost=True, cost_limit=thresh)</c>.
/// Written by hand because no maintained .NET package solves rectangular problems with forbidden (+∞) entries;
/// it is O(n²·m) and the matrices in tracking and MOT evaluation are small.
/// </summary>
internal static class LinearAssignment
{
    /// <summary>
    /// The assignment of min(rows, cols) pairs with the smallest total cost, as
    /// <c>scipy.optimize.linear_sum_assignment</c>: pairs sorted by row. +∞ marks a forbidden pair; if no complete
    /// assignment avoids them the problem is infeasible and an <see cref="InvalidOperationException"/> is thrown.
    /// NaN and −∞ are rejected. Among equal-cost optima one is returned deterministically.
    /// </summary>
    public static (int Row, int Col)[] Solve(double[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        if (rows == 0 || cols == 0) return [];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++)
                if (double.IsNaN(cost[i, j]) || double.IsNegativeInfinity(cost[i, j]))
                    throw new ArgumentException($"cost[{i},{j}] is {cost[i, j]}; costs must be finite or +Infinity (forbidden).", nameof(cost));

        // The augmenting-path search assigns every row, so it needs rows ≤ cols: solve the transpose otherwise.
        var transpose = rows > cols;
        var n = transpose ? cols : rows;
        var m = transpose ? rows : cols;
        double At(int i, int j) => transpose ? cost[j, i] : cost[i, j];

        var colForRow = ShortestAugmentingPath(n, m, At);
        var pairs = new (int Row, int Col)[n];
        for (var i = 0; i < n; i++)
            pairs[i] = transpose ? (colForRow[i], i) : (i, colForRow[i]);
        if (transpose) Array.Sort(pairs, (a, b) => a.Row.CompareTo(b.Row));
        return pairs;
    }

    /// <summary>
    /// Thresholded assignment with ultralytics' <c>matching.linear_assignment(cost, thresh)</c> semantics
    /// (<c>lap.lapjv(cost, extend_cost=True, cost_limit=thresh)</c>): leaving a row or a column unmatched costs
    /// threshold / 2 each, so a pair is matched only when its cost is at most the threshold and the matching
    /// minimises (sum of matched costs) + threshold · (unmatched rows + unmatched cols) / 2. Pairs with cost above
    /// the threshold (or +∞, or NaN) are never matched; at exactly the threshold matching and not matching cost the
    /// same and either may be returned. A +∞ threshold matches as many pairs as possible, then at least cost.
    /// Matches are sorted by row; the unmatched lists are ascending.
    /// </summary>
    public static ((int Row, int Col)[] Matches, int[] UnmatchedRows, int[] UnmatchedCols) Solve(double[,] cost, double threshold)
    {
        ArgumentNullException.ThrowIfNull(cost);
        if (double.IsNaN(threshold)) throw new ArgumentException("threshold is NaN.", nameof(threshold));
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        if (rows == 0 || cols == 0)
            return ([], Enumerable.Range(0, rows).ToArray(), Enumerable.Range(0, cols).ToArray());

        bool Allowed(double c) => !double.IsNaN(c) && c <= threshold && !double.IsPositiveInfinity(c);
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++)
                if (double.IsNegativeInfinity(cost[i, j]))
                    throw new ArgumentException($"cost[{i},{j}] is -Infinity; costs must be finite or +Infinity.", nameof(cost));

        // The cost of leaving one row or column unmatched. With an infinite threshold, a finite penalty larger than
        // any total of matched costs makes the solver maximise the number of matches first.
        double half;
        if (double.IsPositiveInfinity(threshold))
        {
            var total = 1.0;
            foreach (var c in cost) if (Allowed(c)) total += Math.Abs(c);
            half = total;
        }
        else half = threshold / 2;

        // lap's extended square problem: [C, half; half, 0] of size rows + cols. A row matched to a dummy column
        // (index ≥ cols) is unmatched; dummy rows absorb the columns left over. It is always feasible.
        var size = rows + cols;
        double Extended(int i, int j)
        {
            if (i < rows && j < cols) return Allowed(cost[i, j]) ? cost[i, j] : double.PositiveInfinity;
            if (i >= rows && j >= cols) return 0;
            return half;
        }
        var colForRow = ShortestAugmentingPath(size, size, Extended);

        var matches = new List<(int Row, int Col)>();
        var colMatched = new bool[cols];
        var unmatchedRows = new List<int>();
        for (var i = 0; i < rows; i++)
        {
            var j = colForRow[i];
            if (j < cols) { matches.Add((i, j)); colMatched[j] = true; }
            else unmatchedRows.Add(i);
        }
        var unmatchedCols = Enumerable.Range(0, cols).Where(j => !colMatched[j]).ToArray();
        return (matches.ToArray(), unmatchedRows.ToArray(), unmatchedCols);
    }

    /// <summary>
    /// Assigns each of n rows a distinct column of m ≥ n, row by row along the shortest augmenting path in the
    /// reduced costs; the dual potentials u, v keep reduced costs non-negative so each search is a Dijkstra.
    /// </summary>
    static int[] ShortestAugmentingPath(int n, int m, Func<int, int, double> cost)
    {
        var u = new double[n];
        var v = new double[m];
        var shortest = new double[m];
        var path = new int[m];
        var colForRow = new int[n];
        var rowForCol = new int[m];
        Array.Fill(colForRow, -1);
        Array.Fill(rowForCol, -1);
        var visitedRow = new bool[n];
        var visitedCol = new bool[m];
        var remaining = new int[m];

        for (var current = 0; current < n; current++)
        {
            Array.Fill(shortest, double.PositiveInfinity);
            Array.Clear(visitedRow);
            Array.Clear(visitedCol);
            // Columns not yet reached by this search (any order is correct; this one makes results reproducible).
            var left = m;
            for (var k = 0; k < m; k++) remaining[k] = m - 1 - k;

            var minDist = 0.0;
            var i = current;
            var sink = -1;
            while (sink < 0)
            {
                visitedRow[i] = true;
                var best = -1;
                var lowest = double.PositiveInfinity;
                for (var k = 0; k < left; k++)
                {
                    var j = remaining[k];
                    var reduced = minDist + cost(i, j) - u[i] - v[j];
                    if (reduced < shortest[j]) { path[j] = i; shortest[j] = reduced; }
                    // Prefer a free column on a tie: it ends the search one step sooner.
                    if (shortest[j] < lowest || (shortest[j] == lowest && rowForCol[j] < 0))
                    {
                        lowest = shortest[j];
                        best = k;
                    }
                }
                if (best < 0 || double.IsPositiveInfinity(lowest))
                    throw new InvalidOperationException("The cost matrix is infeasible: forbidden (+Infinity) entries leave no complete assignment.");
                minDist = lowest;
                var col = remaining[best];
                visitedCol[col] = true;
                remaining[best] = remaining[--left];
                if (rowForCol[col] < 0) sink = col;
                else i = rowForCol[col];
            }

            // Update the potentials so that reduced costs stay ≥ 0 and are 0 along the new matching.
            u[current] += minDist;
            for (var r = 0; r < n; r++)
                if (visitedRow[r] && r != current) u[r] += minDist - shortest[colForRow[r]];
            for (var c = 0; c < m; c++)
                if (visitedCol[c]) v[c] -= minDist - shortest[c];

            // Flip the matched / unmatched edges along the path back from the sink.
            for (var j = sink; ;)
            {
                var r = path[j];
                rowForCol[j] = r;
                (colForRow[r], j) = (j, colForRow[r]);
                if (r == current) break;
            }
        }
        return colForRow;
    }
}
