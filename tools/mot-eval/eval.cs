#:project ../../src/GhostYolo/GhostYolo.csproj
#:property AssemblyName=GhostYolo.Tools
// Scores MOTChallenge result files (another tool's tracker output, e.g. ultralytics' `yolo track` converted to
// frame,id,x,y,w,h,conf rows) against a ground truth with GhostYolo's metrics, one line each.
//   dotnet run tools/mot-eval/eval.cs -- SEQ/gt/gt.txt result1.txt [result2.txt …]
using System.Globalization;
using GhostYolo.Tracking.Metrics;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: dotnet run tools/mot-eval/eval.cs -- GT.txt RESULT.txt [RESULT.txt …]");
    return 2;
}
Console.WriteLine($"{"result",-40} {"HOTA",6} {"MOTA",6} {"IDF1",6} {"IDSW",5} {"Frag",5} {"P",6} {"R",6}");
foreach (var result in args[1..])
{
    var m = MotEvaluator.EvaluateFiles(args[0], result);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{result,-40} {m.HOTA,6:F3} {m.MOTA,6:F3} {m.IDF1,6:F3} {m.IDSW,5} {m.Frag,5} {m.Precision,6:F3} {m.Recall,6:F3}"));
}
return 0;
