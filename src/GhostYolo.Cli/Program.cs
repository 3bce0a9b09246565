using System.CommandLine;
using GhostYolo.Cli;
using GhostYolo.Cli.Commands;
using GhostYolo.Platform;

// Process-wide libtorch settings are the host's to set (malloc tuning here, before any tensor; threads per command).
GhostYoloRuntime.Configure();

var root = new RootCommand("GhostYolo: YOLOv5/YOLOv8 detectors with Ghost, GhostV2, G-Ghost and FasterNet blocks, from YAML, in .NET.");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(ValCommand.Create());
root.Subcommands.Add(DetectCommand.Create());
root.Subcommands.Add(TrackCommand.Create());
root.Subcommands.Add(SummaryCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(DatasetCommand.Create());
root.Subcommands.Add(BenchmarkCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
return CliRunner.Run(root, args);
