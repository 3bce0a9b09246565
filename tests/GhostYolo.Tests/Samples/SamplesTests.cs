using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Tests.Data;
using OpenCvSharp;

namespace GhostYolo.Tests.Samples;

/// <summary>
/// The samples under samples/ are what an app developer copies: the README's "Use from C#" example must be the console
/// sample's code, and both samples must run and agree with the library called in-process on a trained model
/// (Fixtures/Samples/shapes96.gyt, see its README).
/// </summary>
public partial class SamplesTests
{
    private static readonly string Model = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Samples", "shapes96.gyt");

    private static ShapesResult Shapes(TempDir dir, bool video) => ShapesDataset.Generate(new ShapesOptions
    {
        OutDir = dir.File("shapes"), Train = 1, Val = 12, ImgSize = 96, Classes = 3, MinSize = 20, Seed = 7,
        Video = video, VideoFrames = 20, TrackFrames = 0,
    });

    [GeneratedRegex(@"## Use from C#.*?```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeExample();

    [Fact]
    public async Task The_readme_example_is_the_console_sample_and_prints_what_the_library_detects()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root(), "README.md")).ReplaceLineEndings("\n");
        var match = ReadmeExample().Match(readme);
        Assert.True(match.Success, "README.md has no ```csharp block under \"## Use from C#\"");
        var program = File.ReadAllText(Path.Combine(RepoPaths.Root(), "samples", "GhostYolo.Samples.Console", "Program.cs")).ReplaceLineEndings("\n");
        Assert.Equal(program, match.Groups[1].Value);
        Assert.True(program.Split('\n').Count(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("//")) <= 15,
            "the README example should stay within 15 lines of code");

        using var dir = new TempDir();
        var video = Shapes(dir, video: true).VideoPath!;
        var psi = new ProcessStartInfo(RepoPaths.Built("samples/GhostYolo.Samples.Console", "GhostYolo.Samples.Console")) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Model);
        psi.ArgumentList.Add(video);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2))) await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {await stderr}");
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // The same model and options in-process: the sample prints exactly these detections, in order.
        using var predictor = Predictor.Load(Model, new PredictOptions { Conf = 0.25 }, imgszFromModel: true);
        var expected = new List<string>();
        foreach (var frame in predictor.Predict(video))
            foreach (var d in frame.Detections)
                expected.Add(FormattableString.Invariant(
                    $"frame {frame.FrameIndex + 1}: {predictor.Names[d.Class]} {d.Score:F2} at ({d.X1:F0}, {d.Y1:F0})-({d.X2:F0}, {d.Y2:F0})"));
        Assert.True(expected.Count >= 20, $"the fixture model should find shapes in the video; it found {expected.Count}");
        Assert.Equal(expected, lines);
    }

    [Fact]
    public async Task The_web_sample_answers_concurrent_clients_with_the_libraries_detections()
    {
        using var dir = new TempDir();
        var shapes = Shapes(dir, video: false);
        var images = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(shapes.DataYaml)!, "images", "val")).Order().ToArray();
        Assert.Equal(12, images.Length);

        var psi = new ProcessStartInfo(RepoPaths.Built("samples/GhostYolo.Samples.Web", "GhostYolo.Samples.Web")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--urls", "http://127.0.0.1:0", $"--GhostYolo:Model={Model}", "--GhostYolo:Conf=0.25" }) psi.ArgumentList.Add(a);
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        using var p = Process.Start(psi)!;
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            log.Enqueue(e.Data);
            var m = Regex.Match(e.Data, @"Now listening on: (http://127\.0\.0\.1:\d+)");
            if (m.Success) listening.TrySetResult(m.Groups[1].Value);
        };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            var started = await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(90)));
            Assert.True(started == listening.Task, "the web sample did not start listening in 90 s:\n" + string.Join("\n", log));
            using var http = new HttpClient { BaseAddress = new Uri(await listening.Task), Timeout = TimeSpan.FromSeconds(60) };

            // Four clients at once, three images each; half the posts raw bytes, half multipart forms.
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
            {
                var got = new List<(string Image, HttpResponseMessage Response)>();
                for (int k = client; k < images.Length; k += 4)
                {
                    var bytes = await File.ReadAllBytesAsync(images[k]);
                    HttpContent content;
                    if (k % 2 == 0)
                    {
                        content = new ByteArrayContent(bytes);
                        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                    }
                    else
                    {
                        var form = new MultipartFormDataContent();
                        var file = new ByteArrayContent(bytes);
                        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                        form.Add(file, "image", Path.GetFileName(images[k]));
                        content = form;
                    }
                    got.Add((images[k], await http.PostAsync("/detect", content)));
                }
                return got;
            })));

            using var predictor = Predictor.Load(Model, new PredictOptions { Conf = 0.25 }, imgszFromModel: true);
            int total = 0;
            foreach (var (image, response) in answers.SelectMany(a => a))
            {
                Assert.True(response.IsSuccessStatusCode, $"{image}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                var json = (await response.Content.ReadFromJsonAsync<DetectJson>())!;
                using var mat = Cv2.ImRead(image);
                using var expected = predictor.PredictImage(mat);
                Assert.Equal((mat.Width, mat.Height), (json.Width, json.Height));
                Assert.Equal(expected.Detections.Count, json.Detections.Count);
                foreach (var (e, a) in expected.Detections.Zip(json.Detections))
                {
                    Assert.Equal(e.Class, a.Class);
                    Assert.Equal(predictor.Names[e.Class], a.Name);
                    Assert.Equal(e.Score, a.Score, 1e-4);
                    Assert.Equal(e.X1, a.X1, 1e-3);
                    Assert.Equal(e.Y2, a.Y2, 1e-3);
                }
                total += json.Detections.Count;
            }
            Assert.True(total >= 12, $"the fixture model should find shapes in 12 images; it found {total}");

            var bad = await http.PostAsync("/detect", new StringContent("not an image"));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("no image", await bad.Content.ReadAsStringAsync());
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
    }

    private sealed record DetectJson(int Width, int Height, List<DetectionJson> Detections, double Milliseconds);
    private sealed record DetectionJson(int Class, string Name, float Score, float X1, float Y1, float X2, float Y2);
}
