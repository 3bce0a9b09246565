using System.CommandLine;
using GhostYolo.Cli;
using GhostYolo.Cli.Commands;
using GhostYolo.Data;
using GhostYolo.Engine;
using GhostYolo.Tests.Data;
using GhostYolo.Tests.Engine;
using GhostYolo.Weights;

namespace GhostYolo.Tests.Cli;

/// <summary>The train command's promises: --data optional only for --resume, resume keeps the run's settings, fraction.</summary>
public class TrainCommandTests
{
    private static int Train(params string[] args) => CliRunner.Run(new RootCommand { TrainCommand.Create() }, ["train", .. args]);

    /// <summary>An interrupted run's last checkpoint (epoch 0 of 3), written as the trainer writes one.</summary>
    private static string LastCheckpoint(TempDir dir, TrainOptions options)
    {
        var path = dir.File("runs/train/weights/last.gyt");
        var info = new CheckpointInfo
        {
            ModelYaml = File.ReadAllText(GhostYolo.Nn.ModelPaths.Resolve("yolov8.yaml")!), ModelName = "yolov8n", Scale = "n", Nc = 2,
            Names = ["a", "b"], Epoch = 0, TrainArgs = OptionOverrides.ToPairs(options).ToDictionary(),
        };
        new Checkpoint(info, []).Save(path);
        return path;
    }

    [Fact]
    public void Without_data_and_without_resume_is_a_user_error()
        => Assert.Equal(2, Train("--model", "yolov8n.yaml", "--epochs", "1"));

    [Fact]
    public void Resume_names_the_settings_given_differently_and_lets_device_workers_threads_change()
    {
        using var dir = new TempDir();
        var last = LastCheckpoint(dir, new TrainOptions { Model = "yolov8n.yaml", Data = "d.yaml", Epochs = 3, Lr0 = 0.02 });
        var conflicts = Trainer.ResumeConflicts(last, [new("epochs", "30"), new("lr0", "0.02"), new("device", "cpu"), new("workers", "1"), new("threads", "1")]);
        Assert.Equal(["epochs: 30 (the run has 3)"], conflicts);
        // The CLI refuses such a resume with that line (exit 2) before anything runs.
        Assert.Equal(2, Train("--resume", "--model", last, "--epochs", "30"));
    }

    [Fact]
    public void A_yolov5_hyp_key_GhostYolo_does_not_implement_is_refused_unless_at_its_default()
    {
        using var dir = new TempDir();
        var hyp = dir.File("hyp.yaml");
        File.WriteAllText(hyp, "lr0: 0.01\nobj: 1.0\nanchor_t: 4.0\nfl_gamma: 1.5\n");
        Assert.Equal(2, Train("--model", "yolov5n.yaml", "--data", dir.File("missing.yaml"), "--cfg", hyp));
        var e = Assert.Throws<InvalidDataException>(() => TrainConfigFile.Read(hyp));
        Assert.StartsWith($"{hyp}:4: 'fl_gamma: 1.5'", e.Message);
    }

    [Fact]
    public void Fraction_trains_on_that_share_of_the_training_images()
    {
        using var dir = new TempDir();
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Train = 16, Val = 4, ImgSize = 64, Classes = 2, Video = false, TrackFrames = 0 });
        var events = new List<TrainEvent>();
        new Trainer().Train(new TrainOptions
        {
            Model = "yolov8n.yaml", Data = shapes.DataYaml, Epochs = 1, Imgsz = 64, Batch = 4, Workers = 1, Fraction = 0.5,
            Project = dir.File("runs"), Name = "f", Plots = false,
        }, new SyncProgressRecorder<TrainEvent>(events));
        Assert.Equal(8, events.OfType<TrainStarted>().Single().TrainImages);
    }

    [Fact]
    public void Recipe_yolov5_and_the_step_log_work_through_the_command()
    {
        using var dir = new TempDir();
        var shapes = ShapesDataset.Generate(new ShapesOptions { OutDir = dir.File("shapes"), Train = 8, Val = 2, ImgSize = 64, Classes = 2, Video = false, TrackFrames = 0 });
        var log = dir.File("steps.jsonl");
        Assert.Equal(0, Train("--model", "yolov5n.yaml", "--data", shapes.DataYaml, "--epochs", "1", "--imgsz", "64", "--batch", "4",
            "--workers", "1", "--threads", "1", "--project", dir.File("runs"), "--name", "v5", "--step-log", log,
            "recipe=yolov5", "noautoanchor=True", "plots=False"));
        var lines = File.ReadAllLines(log);
        Assert.Equal(2, lines.Length); // 8 images, batch 4
        using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
        var lr = first.RootElement.GetProperty("lr").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var momentum = first.RootElement.GetProperty("momentum").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        // yolov5's warm-up starts the bias group at lr 0.1 and every group at momentum 0.8 (hyp.scratch-low).
        Assert.Equal(0.1, lr.Max(), 1e-9);
        Assert.All(momentum, m => Assert.Equal(0.8, m, 1e-9));
        Assert.Contains("recipe: yolov5", File.ReadAllText(dir.File("runs/v5/args.yaml")));
    }
}
