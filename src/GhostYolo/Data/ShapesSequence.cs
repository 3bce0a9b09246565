using System.Globalization;
using System.Text;
using OpenCvSharp;

namespace GhostYolo.Data;

/// <summary>
/// A scene of moving shapes with identities, written in the MOTChallenge layout so trackers can be measured against
/// it: <c>video.mp4</c> (and optionally <c>img1/</c>), <c>gt/gt.txt</c> with the visible box of each object in each
/// frame, and <c>seqinfo.ini</c>. Shapes enter and leave, change speed, and pass behind and in front of each other: the
/// motion is planned around meetings, where two shapes pass the same point at the same moment slowly enough, relative
/// to each other, that the one in front covers most of the other for a while. Each object has one depth, so the
/// depth order varies from pair to pair but a pair never swaps. Deterministic per seed.
/// </summary>
internal static class ShapesSequence
{
    /// <summary>SampleSeeds stream of the sequence (the dataset uses 0 and 1 for its splits, 2 for video.mp4).</summary>
    private const int SeedStream = 3;
    /// <summary>Consecutive frames of more-than-half cover that make a crossing.</summary>
    public const int CrossingFrames = 5;

    /// <summary>
    /// Writes the sequence into <paramref name="dir"/>: <c>video.mp4</c> (mp4v), <c>img1/%06d.jpg</c> when
    /// <see cref="SequenceOptions.Images"/>, <c>gt/gt.txt</c> with rows <c>frame,id,x,y,w,h,1,class+1,visibility</c>
    /// (frames from 1; the top-left box of the visible part, in pixels; visibility = visible / whole-shape pixels; no row
    /// where the object is hidden, outside, or shows less than 3 px on a side) and <c>seqinfo.ini</c>.
    /// </summary>
    public static SequenceResult Write(string dir, SequenceOptions o, CancellationToken ct = default)
    {
        if (o.Frames < 1 || o.Fps < 1 || o.Width < 8 || o.Height < 8 || o.Classes < 1 || o.MinSize < 2
            || o.MinObjects < 1 || o.MaxObjects < o.MinObjects)
            throw new ArgumentException("a sequence needs Frames ≥ 1, Fps ≥ 1, Width and Height ≥ 8, Classes ≥ 1, MinSize ≥ 2 and 1 ≤ MinObjects ≤ MaxObjects", nameof(o));
        dir = Path.GetFullPath(dir);
        string gtDir = Path.Combine(dir, "gt"), video = Path.Combine(dir, "video.mp4"), gtPath = Path.Combine(gtDir, "gt.txt");
        string? imgDir = o.Images ? Path.Combine(dir, "img1") : null;
        Directory.CreateDirectory(gtDir);
        if (imgDir is not null) Directory.CreateDirectory(imgDir);

        int w = o.Width, h = o.Height;
        var rng = new Random(SampleSeeds.Derive(o.Seed, SeedStream, 0));
        using var background = ShapesDataset.Background(h, w, rng);
        var order = Plan(o, rng, Cv2.Mean(background)).OrderBy(a => a.Depth).ToArray(); // back to front
        int n = order.Length;
        var masks = order.Select(_ => new Mat(h, w, MatType.CV_8UC1)).ToArray();
        var states = new List<ShapeState>(n * o.Frames);
        var crossings = new Crossings(n);
        try
        {
            using var writer = new VideoWriter(video, FourCC.FromString("mp4v"), o.Fps, new Size(w, h));
            if (!writer.IsOpened()) throw new IOException($"{video}: OpenCV cannot open a video writer (fourcc mp4v)");
            var whole = new int[n];
            var bounds = new Rect[n];
            var at = new (double X, double Y)[n];
            var frameRect = new Rect(0, 0, w, h);
            for (int f = 0; f < o.Frames; f++)
            {
                ct.ThrowIfCancellationRequested();
                using var frame = background.Clone();
                for (int k = 0; k < n; k++)
                {
                    var a = order[k];
                    var (x, y) = at[k] = a.Position(f);
                    double angle = a.Angle + a.Spin * f;
                    masks[k].SetTo(Scalar.All(0));
                    whole[k] = WholePixels(a.Cls, a.R, x, y, angle);
                    int pad = (int)Math.Ceiling(a.R) + 2;
                    bounds[k] = new Rect((int)Math.Floor(x) - pad, (int)Math.Floor(y) - pad, 2 * pad + 1, 2 * pad + 1) & frameRect;
                    if (bounds[k].Width <= 0 || bounds[k].Height <= 0) { bounds[k] = default; continue; }
                    ShapeRenderer.Draw(frame, a.Cls, x, y, a.R, angle, a.Color, -1, LineTypes.AntiAlias);
                    ShapeRenderer.Draw(masks[k], a.Cls, x, y, a.R, angle, Scalar.All(255), -1, LineTypes.Link8);
                }
                var parts = ShapesDataset.VisibleParts(masks);
                for (int k = 0; k < n; k++)
                {
                    int inFrame = 0;
                    if (bounds[k].Width > 0)
                    {
                        using var roi = masks[k][bounds[k]];
                        inFrame = Cv2.CountNonZero(roi);
                    }
                    var (box, visible) = parts[k];
                    states.Add(new ShapeState(f + 1, order[k].Id, order[k].Cls, at[k].X, at[k].Y, order[k].R, whole[k], inFrame, visible,
                        ShapesDataset.IsLabelled(box) ? box : null));
                }
                crossings.Measure(f, order, masks, bounds, whole);
                writer.Write(frame);
                if (imgDir is not null)
                {
                    string jpg = Path.Combine(imgDir, (f + 1).ToString("D6", CultureInfo.InvariantCulture) + ".jpg");
                    if (!Cv2.ImWrite(jpg, frame, [(int)ImwriteFlags.JpegQuality, 95])) throw new IOException($"{jpg}: OpenCV cannot write the frame");
                }
            }
        }
        finally
        {
            foreach (var m in masks) m.Dispose();
        }
        crossings.Close(order);

        states.Sort((a, b) => (a.Frame, a.Id).CompareTo((b.Frame, b.Id)));
        var gt = new StringBuilder();
        foreach (var s in states)
            if (s.Box is { } b)
                gt.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Frame},{s.Id},{b.X},{b.Y},{b.Width},{b.Height},1,{s.Cls + 1},{s.Visibility:F4}"));
        File.WriteAllText(gtPath, gt.ToString());
        string seqinfo = Path.Combine(dir, "seqinfo.ini");
        File.WriteAllText(seqinfo, string.Create(CultureInfo.InvariantCulture,
            $"[Sequence]\nname={Path.GetFileName(dir)}\nimDir=img1\nframeRate={o.Fps}\nseqLength={o.Frames}\nimWidth={w}\nimHeight={h}\nimExt=.jpg\n"));

        using (var cap = new VideoCapture(video))
        {
            if (!cap.IsOpened()) throw new IOException($"{video}: written video cannot be reopened");
            int count = (int)cap.Get(VideoCaptureProperties.FrameCount);
            if (count != o.Frames) throw new IOException($"{video}: wrote {o.Frames} frames but the file holds {count}");
        }
        var labelled = states.Where(s => s.Box is not null).ToList();
        return new SequenceResult(dir, video, gtPath, seqinfo, imgDir, o.Frames, labelled.Select(s => s.Id).Distinct().Count(),
            labelled.Count, crossings.Found, states);
    }

    /// <summary>
    /// Pixels of the whole shape, outside the frame too: drawn on a canvas around it whose origin is even, so the
    /// renderer's round-half-to-even lands on the same pixels as in the frame.
    /// </summary>
    private static int WholePixels(int cls, double r, double x, double y, double angle)
    {
        int pad = (int)Math.Ceiling(r) + 3;
        int ox = ((int)Math.Floor(x) - pad) & ~1, oy = ((int)Math.Floor(y) - pad) & ~1;
        using var local = new Mat(2 * pad + 4, 2 * pad + 4, MatType.CV_8UC1, Scalar.All(0));
        ShapeRenderer.Draw(local, cls, x - ox, y - oy, r, angle, Scalar.All(255), -1, LineTypes.Link8);
        return Cv2.CountNonZero(local);
    }

    /// <summary>Fewest frames between a meeting's window and another key of the same shape.</summary>
    private const int KeyGap = 4;
    /// <summary>Gaps between keys longer than this get a waypoint (a change of speed and heading).</summary>
    private const int WanderGap = 50;
    /// <summary>Slowest a shape moves between keys, as a fraction of the fastest, where a waypoint can make it so.</summary>
    private const double MinSpeed = 0.35;
    /// <summary>Longest stretch, either side of a meeting, over which the pair holds its velocities.</summary>
    private const int MaxHalfWindow = 14;
    /// <summary>Fewest frames between two meetings of the same pair.</summary>
    private const int PairGap = 90;
    /// <summary>Spread of the log-area noise in the depth order.</summary>
    private const double DepthNoise = 1.4;

    /// <summary>
    /// Plans every shape's path as keys (time, position) joined by straight, constant-speed segments. Some shapes get an
    /// entry after the start or an exit before the end. Meetings come next: a pair, a moment and a point, the front
    /// shape at least as large (in pixels) as the back one, both velocities held while they overlap, with a relative
    /// speed under 20 % of the front one's radius per frame (so the cover lasts) but enough to part within
    /// <see cref="MaxHalfWindow"/> frames. Then waypoints break long or crawling stretches (a few outside the frame: the
    /// shape leaves and comes back), and every path starts and ends outside. No shape moves faster than 1/80 of the
    /// frame's long side per frame (4 px at 320); diameters are log-uniform from MinSize to a third of the short side
    /// (half, as in the images, crowds 15 shapes so that small ones ride behind large ones for seconds).
    /// </summary>
    private static Actor[] Plan(SequenceOptions o, Random rng, Scalar backgroundMean)
    {
        int w = o.Width, h = o.Height, frames = o.Frames;
        double vmax = Math.Max(w, h) / 80.0;
        int n = rng.Next(o.MinObjects, o.MaxObjects + 1);
        double dMax = Math.Max(o.MinSize, Math.Min(w, h) / 3.0);
        var actors = new Actor[n];
        for (int i = 0; i < n; i++)
        {
            int cls = rng.Next(o.Classes);
            double r = Math.Exp(rng.Uniform(Math.Log(o.MinSize), Math.Log(dMax))) / 2;
            var actor = actors[i] = new Actor(i + 1, cls, r, rng.Uniform(0, 360), rng.Uniform(-2, 2),
                ShapesDataset.ContrastingColor(backgroundMean, rng), WholePixels(cls, r, 0, 0, 0));
            // Some shapes come in after the start or go before the end; the others are there from start to end
            // (or wander out and back).
            if (rng.NextDouble() < 0.4) actor.Enter(rng.Uniform(0, 0.4 * frames), Outside(w, h, r, rng));
            if (rng.NextDouble() < 0.4) actor.Leave(rng.Uniform(0.6 * frames, frames), Outside(w, h, r, rng));
        }
        // Depth order: larger shapes tend to be in front (only a front shape at least as large as the back one can
        // cover most of it), but shapes within a factor of about 16 in area stack either way, the closer the likelier.
        var noisy = actors.Select(a => Math.Log(a.Area) + rng.Uniform(-DepthNoise, DepthNoise)).ToArray();
        foreach (var (a, depth) in actors.OrderBy(a => noisy[a.Id - 1]).Select((a, k) => (a, k))) a.Depth = depth;

        // About one meeting per shape every 2.4 s at 30 fps.
        int target = (int)Math.Ceiling(frames * n / 160.0), made = 0;
        var lastMet = new Dictionary<(int, int), int>();
        for (int attempt = 0; attempt < 2000 * target && made < target; attempt++)
        {
            Actor a = actors[rng.Next(n)], b = actors[rng.Next(n)];
            var (front, back) = a.Depth > b.Depth ? (a, b) : (b, a);
            if (a == b || front.Area < back.Area) continue;
            int t = rng.Next(CrossingFrames + 1, Math.Max(CrossingFrames + 2, frames - CrossingFrames - 1));
            // The same two again only after a while, so they part in between.
            if (lastMet.TryGetValue((front.Id, back.Id), out int met) && Math.Abs(t - met) < PairGap) continue;
            // Slow enough, relative to each other, that the front one covers most of the back one for several frames;
            // fast enough that they have parted within MaxHalfWindow frames.
            double vrelMin = (front.R + back.R) / MaxHalfWindow, vrelMax = Math.Min(0.2 * front.R, 1.5 * vmax);
            if (vrelMin > vrelMax) continue;
            double vrel = rng.Uniform(vrelMin, vrelMax);
            var vf = Polar(rng.Uniform(0.2, 0.9) * vmax, rng);
            (double X, double Y) vb = default;
            for (int tries = 0; tries < 10 && (tries == 0 || Math.Sqrt(vb.X * vb.X + vb.Y * vb.Y) > vmax); tries++)
            {
                var rel = Polar(vrel, rng);
                vb = (vf.X + rel.X, vf.Y + rel.Y);
            }
            if (Math.Sqrt(vb.X * vb.X + vb.Y * vb.Y) > vmax) continue;
            var miss = Polar(rng.Uniform(0, 0.15) * front.R, rng);
            int half = (int)Math.Ceiling((front.R + back.R + 0.15 * front.R) / vrel) + 1;
            if (!front.Free(t - half, t + half) || !back.Free(t - half, t + half)) continue;
            var (fx, fy) = front.Keys.Count > 0 ? front.Position(t) : (w / 2.0, h / 2.0);
            var (bx, by) = back.Keys.Count > 0 ? back.Position(t) : (w / 2.0, h / 2.0);
            for (int tries = 0; tries < 12; tries++)
            {
                // Half the tries anywhere, half near where the two would be anyway (easier to reach).
                (double X, double Y) p = tries % 2 == 0
                    ? (Inside(w, front.R, rng), Inside(h, front.R, rng))
                    : (Math.Clamp((fx + bx) / 2 + rng.Uniform(-1, 1) * 10 * vmax, front.R, w - front.R),
                       Math.Clamp((fy + by) / 2 + rng.Uniform(-1, 1) * 10 * vmax, front.R, h - front.R));
                (double, double, double)[] fk = [(t - half, p.X - vf.X * half, p.Y - vf.Y * half), (t + half, p.X + vf.X * half, p.Y + vf.Y * half)];
                (double, double, double)[] bk = [(t - half, p.X + miss.X - vb.X * half, p.Y + miss.Y - vb.Y * half), (t + half, p.X + miss.X + vb.X * half, p.Y + miss.Y + vb.Y * half)];
                if (!front.Reachable(fk, vmax) || !back.Reachable(bk, vmax)) continue;
                front.Insert(fk, meeting: true);
                back.Insert(bk, meeting: true);
                front.Meetings++;
                back.Meetings++;
                lastMet[(front.Id, back.Id)] = t;
                made++;
                break;
            }
        }

        foreach (var a in actors)
        {
            // A shape without a meeting passes through on its own, so every shape is seen.
            for (int tries = 0; tries < 100 && a.Meetings == 0; tries++)
            {
                double t = rng.Uniform(Math.Max(0, a.Born), Math.Min(frames, a.Dies)), px = Inside(w, a.R, rng), py = Inside(h, a.R, rng);
                var v = Polar(rng.Uniform(0.2, 0.9) * vmax, rng);
                (double, double, double)[] keys = [(t - 10, px - 10 * v.X, py - 10 * v.Y), (t + 10, px + 10 * v.X, py + 10 * v.Y)];
                if (!a.Free(t - 10, t + 10) || !a.Reachable(keys, vmax)) continue;
                a.Insert(keys);
                a.Meetings++;
            }
            // Waypoints: through long gaps, and where a shape would crawl (a crawling shape stays behind another for
            // long); now and then one outside the frame, so the shape leaves and comes back.
            for (int i = 0; i + 1 < a.Keys.Count; i++)
            {
                var (k0, k1) = (a.Keys[i], a.Keys[i + 1]);
                double dt = k1.T - k0.T;
                if (a.Held.Contains(k0.T) || (dt < WanderGap && (Dist(k0.X, k0.Y, k1.X, k1.Y) >= MinSpeed * vmax * dt || dt < 20))) continue;
                for (int tries = 0; tries < 40; tries++)
                {
                    double tm = k0.T + dt * rng.Uniform(0.3, 0.7);
                    var detour = Polar(rng.Uniform(0.3, 0.5) * vmax * dt, rng);
                    (double X, double Y) p = (tries % 3) switch
                    {
                        0 => ((k0.X + k1.X) / 2 + detour.X, (k0.Y + k1.Y) / 2 + detour.Y),
                        1 => (Inside(w, a.R, rng), Inside(h, a.R, rng)),
                        _ => rng.NextDouble() < 0.3 ? Outside(w, h, a.R, rng) : (Inside(w, a.R, rng), Inside(h, a.R, rng)),
                    };
                    double s0 = Dist(k0.X, k0.Y, p.X, p.Y) / (tm - k0.T), s1 = Dist(p.X, p.Y, k1.X, k1.Y) / (k1.T - tm);
                    if (Math.Max(s0, s1) > vmax || (tries < 30 && Math.Min(s0, s1) < MinSpeed * vmax)) continue;
                    a.Keys.Insert(i + 1, (tm, p.X, p.Y));
                    i--;
                    break;
                }
            }
            // Shapes there from the start came from outside, and those there at the end go outside, at their own speed.
            var (first, last) = (a.Keys[0], a.Keys[^1]);
            if (double.IsNegativeInfinity(a.Born))
            {
                var p = Outside(w, h, a.R, rng);
                a.Enter(first.T - Dist(first.X, first.Y, p.X, p.Y) / (rng.Uniform(0.3, 1) * vmax), p);
            }
            if (double.IsPositiveInfinity(a.Dies))
            {
                var p = Outside(w, h, a.R, rng);
                a.Leave(last.T + Dist(last.X, last.Y, p.X, p.Y) / (rng.Uniform(0.3, 1) * vmax), p);
            }
        }
        return actors;
    }

    private static (double X, double Y) Polar(double speed, Random rng)
    {
        double a = rng.Uniform(0, 2 * Math.PI);
        return (speed * Math.Cos(a), speed * Math.Sin(a));
    }

    private static double Dist(double x0, double y0, double x1, double y1) => Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));

    /// <summary>A coordinate that keeps a shape of radius <paramref name="r"/> inside <paramref name="size"/>, if it fits.</summary>
    private static double Inside(int size, double r, Random rng) => 2 * r + 4 < size ? rng.Uniform(r + 2, size - r - 2) : size / 2.0;

    /// <summary>A point just outside the frame (the whole shape outside), on a side picked in proportion to its length.</summary>
    private static (double X, double Y) Outside(int w, int h, double r, Random rng)
    {
        double u = rng.Uniform(0, 2 * (w + h)), m = r + 2;
        return u < w ? (u, -m) : u < 2 * w ? (u - w, h + m) : u < 2 * w + h ? (-m, u - 2 * w) : (w + m, u - 2 * w - h);
    }

    /// <summary>A shape and its path: keys (frame, x, y), sorted by time, joined by straight constant-speed segments.</summary>
    private sealed class Actor(int id, int cls, double r, double angle, double spin, Scalar color, int area)
    {
        public int Id => id;
        public int Cls => cls;
        public double R => r;
        /// <summary>Drawing order: higher is in front.</summary>
        public int Depth { get; set; }
        public double Angle => angle;
        public double Spin => spin;
        public Scalar Color => color;
        public int Area => area;
        public List<(double T, double X, double Y)> Keys { get; } = [];
        /// <summary>When the shape comes in from outside and goes out for good (infinite until planned).</summary>
        public double Born { get; private set; } = double.NegativeInfinity;
        public double Dies { get; private set; } = double.PositiveInfinity;
        public int Meetings { get; set; }

        public void Enter(double t, (double X, double Y) from)
        {
            Born = t;
            Keys.Insert(0, (t, from.X, from.Y));
        }

        public void Leave(double t, (double X, double Y) to)
        {
            Dies = t;
            Keys.Add((t, to.X, to.Y));
        }

        public (double X, double Y) Position(double t)
        {
            if (t <= Keys[0].T) return (Keys[0].X, Keys[0].Y);
            for (int i = 1; i < Keys.Count; i++)
            {
                var (a, b) = (Keys[i - 1], Keys[i]);
                if (t > b.T) continue;
                double u = (t - a.T) / (b.T - a.T);
                return (a.X + u * (b.X - a.X), a.Y + u * (b.Y - a.Y));
            }
            return (Keys[^1].X, Keys[^1].Y);
        }

        /// <summary>[t0, t1] lies in the shape's life, with no key within <see cref="KeyGap"/> frames of it.</summary>
        public bool Free(double t0, double t1) =>
            t0 - KeyGap > Born && t1 + KeyGap < Dies && Keys.All(k => k.T < t0 - KeyGap || k.T > t1 + KeyGap);

        /// <summary>The keys (inside a free window) can be reached from the key before and reach the key after at <paramref name="vmax"/>.</summary>
        public bool Reachable((double T, double X, double Y)[] keys, double vmax)
        {
            var (k0, k1) = (keys[0], keys[^1]);
            int next = Keys.FindIndex(k => k.T > k1.T);
            int prev = (next < 0 ? Keys.Count : next) - 1;
            return (prev < 0 || Dist(Keys[prev].X, Keys[prev].Y, k0.X, k0.Y) <= vmax * (k0.T - Keys[prev].T))
                && (next < 0 || Dist(k1.X, k1.Y, Keys[next].X, Keys[next].Y) <= vmax * (Keys[next].T - k1.T));
        }

        /// <summary>Start times of meeting windows, whose velocity no waypoint may change.</summary>
        public HashSet<double> Held { get; } = [];

        public void Insert((double T, double X, double Y)[] keys, bool meeting = false)
        {
            if (meeting) Held.Add(keys[0].T);
            Keys.AddRange(keys);
            Keys.Sort((a, b) => a.T.CompareTo(b.T));
        }
    }

    /// <summary>
    /// Counts crossings pair by pair: while two shapes overlap, the longest run of frames in which the front one covers
    /// more than half of the back one's whole-shape pixels; a run of <see cref="CrossingFrames"/> or more is a crossing.
    /// </summary>
    private sealed class Crossings(int n)
    {
        private readonly bool[,] _overlapping = new bool[n, n];
        private readonly int[,] _run = new int[n, n], _best = new int[n, n], _bestEnd = new int[n, n];
        public List<ShapeCrossing> Found { get; } = [];

        /// <summary>Frame <paramref name="f"/> (from 0); index order is back to front.</summary>
        public void Measure(int f, Actor[] order, Mat[] masks, Rect[] bounds, int[] whole)
        {
            using var both = new Mat();
            for (int back = 0; back < n; back++)
                for (int front = back + 1; front < n; front++)
                {
                    var r = bounds[back] & bounds[front];
                    int shared = 0;
                    if (r.Width > 0 && r.Height > 0)
                    {
                        using Mat b = masks[back][r], fr = masks[front][r];
                        Cv2.BitwiseAnd(b, fr, both);
                        shared = Cv2.CountNonZero(both);
                    }
                    if (shared == 0) { End(back, front, order); continue; }
                    _overlapping[back, front] = true;
                    if (shared * 2 > whole[back])
                    {
                        if (++_run[back, front] > _best[back, front]) { _best[back, front] = _run[back, front]; _bestEnd[back, front] = f; }
                    }
                    else _run[back, front] = 0;
                }
        }

        public void Close(Actor[] order)
        {
            for (int back = 0; back < n; back++)
                for (int front = back + 1; front < n; front++) End(back, front, order);
            Found.Sort((a, b) => (a.FirstFrame, a.Front, a.Back).CompareTo((b.FirstFrame, b.Front, b.Back)));
        }

        private void End(int back, int front, Actor[] order)
        {
            if (!_overlapping[back, front]) return;
            if (_best[back, front] >= CrossingFrames)
                Found.Add(new ShapeCrossing(order[front].Id, order[back].Id, _bestEnd[back, front] - _best[back, front] + 2, _bestEnd[back, front] + 1));
            _overlapping[back, front] = false;
            _run[back, front] = _best[back, front] = 0;
        }
    }
}
