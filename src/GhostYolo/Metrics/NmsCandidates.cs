namespace GhostYolo.Metrics;

/// <summary>
/// Candidate rows for <see cref="Nms"/> from one image's raw output, on plain arrays: the confidence filter,
/// xywh → xyxy, best-class or multi-label rows, the class filter (ultralytics <c>non_max_suppression</c> steps 1–3),
/// and the stable descending top-MaxNms sort (a selection pass first, so only survivors are fully sorted).
/// </summary>
internal static class NmsCandidates
{
    /// <summary>
    /// <paramref name="img"/> is one image of the decoded layout, (4+nc, A) channel-major (<paramref name="d1"/> = 4+nc,
    /// <paramref name="d2"/> = A). Returns the candidate rows [x1, y1, x2, y2, score, class] sorted by descending score —
    /// equal scores in ultralytics' row order (anchor, then class) — cut to the top MaxNms (<paramref name="m"/> rows);
    /// <paramref name="candidates"/> counts all rows above conf.
    /// </summary>
    public static float[] Select(ReadOnlySpan<float> img, int d1, int d2, NmsOptions o, out int m, out int candidates)
    {
        var nc = d1 - 4;
        var a = d2;
        if (nc < 1) throw new ArgumentException($"prediction needs 4 + nc channels with nc >= 1 (shape (B, 4+nc, A)), got {d1} channels.");
        if ((long)a * nc > uint.MaxValue) throw new ArgumentException($"{a} anchors × {nc} classes is too large.");
        var conf = (float)o.Conf;                                     // torch compares float32 with the scalar cast to float
        var multi = o.MultiLabel && nc > 1;
        var allowed = new bool[nc];
        if (o.Classes is { Count: > 0 } cs) foreach (var c in cs) { if (c >= 0 && c < nc) allowed[c] = true; }
        else Array.Fill(allowed, true);

        // Each row is identified by its flat index anchor·nc + class, which orders rows exactly as ultralytics builds
        // them; key = (~score bits, flat) so an ascending sort gives descending score, ties in row order.
        var keys = new List<long>();
        // channel-major: walk each class row contiguously
        if (multi)
        {
            for (var c = 0; c < nc; c++)
            {
                if (!allowed[c]) continue;
                var row = img.Slice((4 + c) * a, a);
                for (var i = 0; i < a; i++) if (row[i] > conf) keys.Add(Key(row[i], (uint)(i * nc + c)));
            }
        }
        else
        {
            var best = img.Slice(4 * a, a).ToArray();
            var bestC = new int[a];
            for (var c = 1; c < nc; c++)
            {
                var row = img.Slice((4 + c) * a, a);
                for (var i = 0; i < a; i++) if (row[i] > best[i]) { best[i] = row[i]; bestC[i] = c; }   // first max, as torch.max
            }
            for (var i = 0; i < a; i++)
                if (best[i] > conf && allowed[bestC[i]]) keys.Add(Key(best[i], (uint)(i * nc + bestC[i])));
        }

        candidates = keys.Count;
        var arr = keys.ToArray();
        m = Math.Min(arr.Length, o.MaxNms);
        if (m < arr.Length) SelectSmallest(arr, m);
        Array.Sort(arr, 0, m);
        var rows = new float[m * 6];
        for (var k = 0; k < m; k++)
        {
            var flat = (uint)(arr[k] & 0xFFFFFFFF);
            int i = (int)(flat / (uint)nc), c = (int)(flat % (uint)nc);
            var score = BitConverter.Int32BitsToSingle((int)~(uint)(arr[k] >> 32));
            float x = img[i], y = img[a + i], w = img[2 * a + i], h = img[3 * a + i];
            float dw = w / 2, dh = h / 2;                              // ultralytics xywh2xyxy, float32
            var o6 = rows.AsSpan(k * 6, 6);
            o6[0] = x - dw; o6[1] = y - dh; o6[2] = x + dw; o6[3] = y + dh; o6[4] = score; o6[5] = c;
        }
        return rows;
    }

    // Scores here are > conf ≥ 0, so their IEEE bits order like the values.
    static long Key(float score, uint flat) => ((long)~(uint)BitConverter.SingleToInt32Bits(score) << 32) | flat;

    // Quickselect: afterwards keys[0..k) hold the k smallest keys (unordered). Keys are unique (they carry the index).
    static void SelectSmallest(long[] keys, int k)
    {
        int lo = 0, hi = keys.Length - 1;
        var rng = new Random(12345);   // local, deterministic pivot choice
        while (lo < hi)
        {
            var pivot = keys[lo + rng.Next(hi - lo + 1)];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (keys[i] < pivot) i++;
                while (keys[j] > pivot) j--;
                if (i <= j) { (keys[i], keys[j]) = (keys[j], keys[i]); i++; j--; }
            }
            if (k - 1 <= j) hi = j;
            else if (k - 1 >= i) lo = i;
            else return;
        }
    }
}
