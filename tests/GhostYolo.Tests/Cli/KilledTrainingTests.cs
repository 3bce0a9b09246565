using System.Diagnostics;
using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Tests.Data;

namespace GhostYolo.Tests.Cli;

/// <summary>
/// A training run killed with SIGKILL in the middle of an epoch resumes from its last checkpoint with the line the trainer
/// prints: the rows written before the kill stay, the run ends at the planned epoch count, no row is duplicated or missing.
/// The run is a real <c>ghostyolo</c> child process, so the kill can land anywhere.
/// </summary>
public class KilledTrainingTests
{
    private static Process Start(string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo(RepoPaths.Built("src/GhostYolo.Cli", "ghostyolo")) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    [Fact]
    public void A_run_killed_mid_epoch_resumes_to_the_planned_end_without_duplicate_or_missing_rows()
    {
        using var dir = new TempDir();
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Train = 48, Val = 4, ImgSize = 128, Classes = 2, Video = false, TrackFrames = 0 });
        var csv = dir.File("runs/r/results.csv");
        var last = dir.File("runs/r/weights/last.gyt");
        using (var run = Start(dir.Path, "train", "--model", "yolov8n.yaml", "--data", shapes.DataYaml, "--epochs", "4", "--imgsz", "128", "--batch", "4",
                   "--workers", "1", "--threads", "1", "--project", dir.File("runs"), "--name", "r", "plots=False"))
        {
            var clock = Stopwatch.StartNew();
            // Kill once the first epoch's checkpoint is written: the run is then inside epoch 2 (or just past it).
            while (!(File.Exists(last) && File.Exists(csv) && File.ReadAllLines(csv).Length >= 2))
            {
                Assert.False(run.HasExited, $"the training exited early with code {(run.HasExited ? run.ExitCode : 0)}");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), "no epoch finished within 5 minutes");
                Thread.Sleep(20);
            }
            Thread.Sleep(100);
            Assert.False(run.HasExited, "the run finished before it could be killed");
            run.Kill(entireProcessTree: true);   // SIGKILL: no cleanup of any kind
            run.WaitForExit();
        }
        var before = File.ReadAllLines(csv);
        Assert.InRange(before.Length, 2, 4);   // killed before the last epoch's row

        using (var resume = Start(dir.Path, "train", "--resume", "--model", last))
        {
            Assert.True(resume.WaitForExit(TimeSpan.FromMinutes(5)), "the resumed run did not finish within 5 minutes");
            Assert.Equal(0, resume.ExitCode);
        }
        var after = File.ReadAllLines(csv);
        var epochs = ResultsCsv.Read(csv)["epoch"].Select(e => (int)e).ToList();
        Assert.Equal([1, 2, 3, 4], epochs);
        Assert.Equal(before[0], after[0]);
        Assert.Equal(before[1], after[1]);   // epoch 1's row, written before the kill, is kept as it was
    }
}
