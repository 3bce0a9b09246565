using System.CommandLine;
using System.Diagnostics;
using GhostYolo.Data;
using GhostYolo.Visual;
using Spectre.Console;

namespace GhostYolo.Cli.Commands;

/// <summary>
/// <c>ghostyolo dataset check DATA.yaml</c> (scan every split, print the ultralytics summary and each problem) and
/// <c>ghostyolo dataset shapes --out DIR</c> (generate the synthetic shapes dataset, its test video and its tracking
/// sequence in <c>DIR/track/</c>).
/// </summary>
public static class DatasetCommand
{
    /// <summary>Most problems listed per split before "… and N more".</summary>
    private const int MaxProblemsShown = 50;

    public static Command Create()
    {
        var cmd = new Command("dataset", "Check a dataset YAML or generate the synthetic shapes dataset");
        cmd.Subcommands.Add(Check());
        cmd.Subcommands.Add(Shapes());
        return cmd;
    }

    private static Command Check()
    {
        var data = new Argument<string>("data") { Description = "Dataset YAML (ultralytics format: path, train, val, names)" };
        var plot = new Option<string?>("--plot") { Description = "Also write labels.jpg for the train split into this folder" };
        var cmd = new Command("check", "Scan every split: verify images and labels, print counts and problems (exit 0 if usable)") { data, plot };
        cmd.SetAction(r =>
        {
            DatasetDefinition def;
            try { def = DatasetDefinition.Load(r.GetValue(data)!); }
            catch (DatasetException e)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                return 2;
            }
            Console.WriteLine($"{def.YamlPath}: {def.Nc} classes ({string.Join(", ", def.Names.Take(10))}{(def.Nc > 10 ? ", …" : "")})");
            int exit = 0;
            var table = new Table().Border(TableBorder.Simple).AddColumns("split", "images", "labels found", "backgrounds", "corrupt", "instances");
            foreach (var split in new[] { "train", "val", "test" })
            {
                if (def.Split(split) is null) continue;
                LabelIndex index;
                try { index = LabelIndex.Scan(def, split); }
                catch (DatasetException e)
                {
                    AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                    exit = 1;
                    continue;
                }
                Console.WriteLine(index.Summary(split) + (index.FromCache ? " (cache)" : ""));
                foreach (var p in index.Problems.Take(MaxProblemsShown)) Console.WriteLine($"  {p}");
                if (index.Problems.Count > MaxProblemsShown) Console.WriteLine($"  … and {index.Problems.Count - MaxProblemsShown} more");
                table.AddRow(split, index.Images.Count.ToString(), index.Found.ToString(), index.Backgrounds.ToString(), index.Corrupt.ToString(), index.Instances.ToString());
                if (index.Images.Count == 0)
                {
                    AnsiConsole.MarkupLine($"[red]error:[/] split '{split}' has no usable image ({Markup.Escape(string.Join(", ", def.Split(split)!))})");
                    exit = 1;
                }
                if (split == "train" && r.GetValue(plot) is { } dir && index.Images.Count > 0)
                {
                    string path = Path.Combine(dir, "labels.jpg");
                    LabelsPlot.Save(path, index.Images.SelectMany(i => i.Boxes), def.Names);
                    Console.WriteLine($"wrote {path}");
                }
            }
            AnsiConsole.Write(table);
            return exit;
        });
        return cmd;
    }

    private static Command Shapes()
    {
        var defaults = new ShapesOptions();
        var outDir = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => defaults.OutDir };
        var train = new Option<int>("--train") { Description = "Training images", DefaultValueFactory = _ => defaults.Train };
        var val = new Option<int>("--val") { Description = "Validation images", DefaultValueFactory = _ => defaults.Val };
        var imgsz = new Option<int>("--imgsz") { Description = "Long side of the images (pixels)", DefaultValueFactory = _ => defaults.ImgSize };
        var classes = new Option<int>("--classes") { Description = "Number of shape classes", DefaultValueFactory = _ => defaults.Classes };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed = same dataset)", DefaultValueFactory = _ => defaults.Seed };
        var minSize = new Option<int>("--min-size") { Description = "Smallest shape diameter in pixels (log-uniform up to half the image)", DefaultValueFactory = _ => defaults.MinSize };
        var noVideo = new Option<bool>("--no-video") { Description = "Skip video.mp4" };
        var trackFrames = new Option<int>("--track-frames")
        {
            Description = "Frames of the tracking sequence written to OUT/track/ (MOTChallenge layout: video.mp4, gt/gt.txt, seqinfo.ini; moving shapes with IDs that cross and hide each other); 0 skips it",
            DefaultValueFactory = _ => defaults.TrackFrames,
        };
        var trackFps = new Option<int>("--track-fps") { Description = "Frame rate of the tracking sequence", DefaultValueFactory = _ => defaults.TrackFps };
        var trackImages = new Option<bool>("--track-images") { Description = "Also write the tracking sequence's frames as OUT/track/img1/000001.jpg …" };
        var cmd = new Command("shapes", "Generate a synthetic shapes detection dataset with data.yaml, a test video and a tracking sequence with ground truth")
            { outDir, train, val, imgsz, classes, seed, minSize, noVideo, trackFrames, trackFps, trackImages };
        cmd.SetAction(r =>
        {
            var o = new ShapesOptions
            {
                OutDir = r.GetValue(outDir)!, Train = r.GetValue(train), Val = r.GetValue(val), ImgSize = r.GetValue(imgsz),
                Classes = r.GetValue(classes), Seed = r.GetValue(seed), MinSize = r.GetValue(minSize), Video = !r.GetValue(noVideo),
                TrackFrames = r.GetValue(trackFrames), TrackFps = r.GetValue(trackFps), TrackImages = r.GetValue(trackImages),
            };
            if (o.Train < 0 || o.Val < 0 || o.ImgSize < 16 || o.Classes < 1 || o.MinSize < 4 || o.MinSize > o.ImgSize / 2 || o.TrackFrames < 0 || o.TrackFps < 1)
            {
                AnsiConsole.MarkupLine("[red]error:[/] need --train ≥ 0, --val ≥ 0, --imgsz ≥ 16, --classes ≥ 1, 4 ≤ --min-size ≤ imgsz/2, --track-frames ≥ 0 and --track-fps ≥ 1");
                return 2;
            }
            var sw = Stopwatch.StartNew();
            var result = ShapesDataset.Generate(o);
            Console.WriteLine($"wrote {result.TrainImages} train + {result.ValImages} val images ({result.Instances} instances, classes: {string.Join(", ", result.Names)}) in {sw.Elapsed.TotalSeconds:F1}s");
            Console.WriteLine($"dataset: {result.DataYaml}");
            if (result.VideoPath is not null) Console.WriteLine($"video:   {result.VideoPath} ({result.VideoFrames} frames)");
            if (result.Track is { } t)
                Console.WriteLine($"track:   {t.Dir} ({t.Frames} frames at {o.TrackFps} fps, {t.Objects} objects, {t.Rows} boxes in gt/gt.txt, {t.Crossings.Count} crossings)");
            return 0;
        });
        return cmd;
    }
}
