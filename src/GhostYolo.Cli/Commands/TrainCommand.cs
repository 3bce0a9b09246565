using System.CommandLine;
using GhostYolo.Engine;
using GhostYolo.Tasks;

namespace GhostYolo.Cli.Commands;

/// <summary>
/// <c>ghostyolo train</c>: maps options (and ultralytics-style <c>key=value</c> pairs, and <c>--cfg</c> YAML) onto
/// <see cref="TrainOptions"/> and runs the <see cref="TrainTask"/>. Every key of cfg/default.yaml is accepted.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model YAML (e.g. yolov8n.yaml) or checkpoint (.gyt)", DefaultValueFactory = _ => "yolov8n.yaml" };
        var data = new Option<string?>("--data") { Description = "Dataset YAML (not needed with --resume: the run's own is used)" };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (default 100)" };
        var imgsz = new Option<int?>("--imgsz") { Description = "Image size (default 640)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default 16)" };
        var workers = new Option<int?>("--workers") { Description = "Data-loading threads (default 8, capped at the core count)" };
        var device = new Option<string?>("--device") { Description = "cpu or cuda:N" };
        var optimizer = new Option<string?>("--optimizer") { Description = "auto, SGD, Adam or AdamW" };
        var lr0 = new Option<double?>("--lr0") { Description = "Initial learning rate (default 0.01)" };
        var cosLr = new Option<bool>("--cos-lr") { Description = "Cosine LR schedule" };
        var patience = new Option<int?>("--patience") { Description = "Early-stopping patience in epochs (default 100)" };
        var seed = new Option<int?>("--seed") { Description = "Random seed (default 0)" };
        var closeMosaic = new Option<int?>("--close-mosaic") { Description = "Disable mosaic for the last N epochs (default: the recipe's, 10; 0 under recipe=yolov5)" };
        var weights = new Option<string?>("--weights") { Description = "Initial weights (.gyt, ultralytics/yolov5 .pt, state-dict .pt, .safetensors): tensors matching by name and shape are transferred" };
        var resume = new Option<bool>("--resume") { Description = "Resume the interrupted run whose last.gyt is given with --model" };
        var project = new Option<string?>("--project") { Description = "Folder for run folders (default runs/detect)" };
        var name = new Option<string?>("--name") { Description = "Run folder name (default train → train, train2, …)" };
        var cfg = new Option<string?>("--cfg") { Description = "YAML file of settings: GhostYolo's cfg/default.yaml keys, a yolov5 hyp file (data/hyps/hyp.scratch-low.yaml) or an ultralytics cfg; a reference key GhostYolo does not implement must be at its default" };
        var stepLog = new Option<string?>("--step-log") { Description = "Write one JSON line per training batch (lr and momentum per parameter group, instances, running-mean losses) to this file" };
        var threads = CommonOptions.Threads();
        var cmd = new Command("train", "Train a detector from a model YAML or checkpoint on a YOLO-format dataset. " +
            "Any cfg/default.yaml key is accepted as --key value or key=value (e.g. mosaic=0.5 hsv_h=0.02). " +
            "recipe=yolov5 trains as yolov5 v7.0's train.py with hyp.scratch-low (SGD, warm-up, LR stepped at epoch end, no close-mosaic, val iou 0.6); " +
            "anchor-based models run AutoAnchor unless noautoanchor=True. " + TrainConfigFile.Help())
            { model, data, epochs, imgsz, batch, workers, device, optimizer, lr0, cosLr, patience, seed, closeMosaic, weights, resume, project, name, cfg, threads, stepLog };
        cmd.TreatUnmatchedTokensAsErrors = false;
        cmd.SetAction((r, ct) =>
        {
            var pairs = new List<KeyValuePair<string, string>>();
            if (r.GetValue(cfg) is { } cfgPath) pairs.AddRange(TrainConfigFile.Read(cfgPath));
            void Add<T>(string key, T? value) { if (value is not null) pairs.Add(new(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!)); }
            Add("model", r.GetValue(model)); Add("data", r.GetValue(data)); Add("epochs", r.GetValue(epochs)); Add("imgsz", r.GetValue(imgsz));
            Add("batch", r.GetValue(batch)); Add("workers", r.GetValue(workers)); Add("device", r.GetValue(device)); Add("optimizer", r.GetValue(optimizer));
            Add("lr0", r.GetValue(lr0)); Add("patience", r.GetValue(patience)); Add("seed", r.GetValue(seed)); Add("close_mosaic", r.GetValue(closeMosaic));
            Add("weights", r.GetValue(weights)); Add("project", r.GetValue(project)); Add("name", r.GetValue(name)); Add("threads", r.GetValue(threads));
            if (r.GetValue(cosLr)) Add("cos_lr", "true");
            if (r.GetValue(resume)) Add("resume", "true");
            pairs.AddRange(ExtraPairs(r.UnmatchedTokens));
            var task = TrainTask.FromArguments(pairs, new ConsoleLogger());
            return Task.FromResult(TrainRunner.Run(task, ct, r.GetValue(stepLog)));
        });
        return cmd;
    }

    /// <summary>Leftover <c>--key value</c> / <c>--flag</c> tokens (key=value was already turned into that form).</summary>
    private static IEnumerable<KeyValuePair<string, string>> ExtraPairs(IReadOnlyList<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            if (!tokens[i].StartsWith("--")) throw new ArgumentException($"unexpected argument '{tokens[i]}'");
            bool hasValue = i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--");
            yield return new(tokens[i][2..], hasValue ? tokens[++i] : "true");
        }
    }
}
