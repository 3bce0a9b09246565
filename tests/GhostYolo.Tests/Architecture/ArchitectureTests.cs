using NetArchTest.Rules;

namespace GhostYolo.Tests.Architecture;

/// <summary>The folder rules of DESIGN.md and docs/workarounds.md, checked on the built assemblies (NetArchTest).</summary>
public class ArchitectureTests
{
    private static readonly System.Reflection.Assembly Library = typeof(GhostYolo.Platform.GhostYoloRuntime).Assembly;

    private static void AssertNoDependency(string from, params string[] on)
    {
        foreach (var target in on)
        {
            var result = Types.InAssembly(Library).That().ResideInNamespace(from).ShouldNot().HaveDependencyOn(target).GetResult();
            Assert.True(result.IsSuccessful, $"{from} must not use {target}, but {string.Join(", ", result.FailingTypeNames ?? [])} do");
        }
    }

    private static string[] FoldersExcept(params string[] keep) =>
        FolderGraph.Folders(Library, "GhostYolo").Except(keep).Select(f => "GhostYolo." + f).ToArray();

    [Fact]
    public void The_platform_workarounds_depend_on_no_other_folder() =>
        AssertNoDependency("GhostYolo.Platform", FoldersExcept("Platform"));

    [Fact]
    public void Drawing_and_charts_sit_below_the_engines() =>
        AssertNoDependency("GhostYolo.Visual", "GhostYolo.Engine", "GhostYolo.Benchmarks", "GhostYolo.Tracking", "GhostYolo.Weights");

    [Fact]
    public void Data_depends_on_no_engine_or_model_code() =>
        AssertNoDependency("GhostYolo.Data", FoldersExcept("Data", "Platform"));

    [Fact]
    public void The_library_folders_import_each_other_without_cycles()
    {
        var cycles = FolderGraph.Cycles(FolderGraph.Edges(Library, "GhostYolo"));
        Assert.True(cycles.Count == 0, "folder cycles: " + string.Join("; ", cycles));
    }

    [Fact]
    public void Losses_and_metrics_do_not_depend_on_the_engines() =>
        AssertNoDependency("GhostYolo.Losses", "GhostYolo.Engine", "GhostYolo.Data", "GhostYolo.Visual");

    [Fact]
    public void The_commands_do_not_touch_TorchSharp()
    {
        var cli = typeof(GhostYolo.Cli.Commands.CommonOptions).Assembly;
        var result = Types.InAssembly(cli).ShouldNot().HaveDependencyOn("TorchSharp").GetResult();
        Assert.True(result.IsSuccessful, "commands parse arguments and call the library; these use TorchSharp: "
            + string.Join(", ", result.FailingTypeNames ?? []));
    }

    /// <summary>What assembles a run — loading and running a model over a loader or a source, writing a run folder, training,
    /// exporting, calibrating, timing — belongs to the library's tasks (Tasks/, Benchmarks/); a command maps options onto one.</summary>
    [Fact]
    public void The_commands_call_tasks_not_the_engines_they_assemble()
    {
        var cli = typeof(GhostYolo.Cli.Commands.CommonOptions).Assembly;
        string[] engines =
        [
            "GhostYolo.Engine.Validator", "GhostYolo.Data.Loaders", "GhostYolo.Engine.InferenceRunner", "GhostYolo.Engine.Predictor",
            "GhostYolo.Engine.Sinks.PredictionWriter", "GhostYolo.Engine.Sources.FrameSources", "GhostYolo.Engine.RunDirectory",
            "GhostYolo.Engine.Trainer", "GhostYolo.Engine.Exporter", "GhostYolo.Engine.ModelLoader", "GhostYolo.Engine.Int8Calibration", "GhostYolo.Tracking.TrackingSession",
            "GhostYolo.Tracking.Metrics.MotEvaluator", "GhostYolo.Benchmarks.DetectBenchmark", "GhostYolo.Benchmarks.TrackBenchmark",
            "GhostYolo.Benchmarks.TrainBenchmark", "GhostYolo.Benchmarks.TrainBreakdownBenchmark", "GhostYolo.Benchmarks.ForwardBenchmark",
        ];
        var result = Types.InAssembly(cli).That().ResideInNamespace("GhostYolo.Cli").ShouldNot().HaveDependencyOnAny(engines).GetResult();
        Assert.True(result.IsSuccessful, "commands map options onto a task (GhostYolo.Tasks, GhostYolo.Benchmarks) and render it; these assemble engines themselves: "
            + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_folder_graph_finds_a_planted_cycle()
    {
        var edges = new Dictionary<(string From, string To), IReadOnlyList<string>>
        {
            [("A", "B")] = [], [("B", "C")] = [], [("C", "A")] = [], [("C", "D")] = [],
        };
        Assert.Equal(["A → B → C → A"], FolderGraph.Cycles(edges));
        edges.Remove(("C", "A"));
        Assert.Empty(FolderGraph.Cycles(edges));
    }
}
