using System.CommandLine;

namespace GhostYolo.Cli.Commands;

/// <summary>
/// <c>ghostyolo track --model M --source S [--tracker bytetrack|botsort|iou] [--tracker-cfg file.yaml]</c>: the detect
/// pipeline with a tracker (ultralytics <c>yolo track</c>); writes the annotated video with IDs, <c>mot.txt</c>,
/// <c>tracks.csv</c>, and with <c>--eval</c> the MOT metrics.
/// </summary>
public static class TrackCommand
{
    public static Command Create() => DetectCommand.Create(track: true);
}
