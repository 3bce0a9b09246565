#!/usr/bin/env bash
# What a user of the packages does, from a clean folder: packs GhostYolo and GhostYolo.Cli, installs the tool from that
# folder alone (a nuget.config that clears every other source) and runs it, then creates a new console app, adds the
# GhostYolo package, publishes it and runs detection with it on a generated image. Run by .ci/run; exits non-zero on
# any failure.
#   tools/package-check.sh [MODEL]   (MODEL: a trained checkpoint for the app's detection; default: the test fixture)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${1:-$root/tests/GhostYolo.Tests/Fixtures/Samples/shapes96.gyt}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="$(dotnet msbuild "$root/src/GhostYolo/GhostYolo.csproj" -getProperty:Version)"

echo "package-check: dotnet pack -c Release (version $version)"
dotnet pack "$root/GhostYolo.sln" -c Release -o "$work/packages" --nologo -v q >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; exit 1; }
ls -1 "$work/packages"

echo "package-check: the ghostyolo tool from the local folder alone"
cat >"$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/packages" />
  </packageSources>
</configuration>
XML
dotnet tool install GhostYolo.Cli --version "$version" --tool-path "$work/tool" --configfile "$work/nuget.config"
"$work/tool/ghostyolo" --version
(cd "$work" && "$work/tool/ghostyolo" summary yolov8n.yaml) | tail -1 | tee "$work/summary.txt"
grep -q "YOLOv8n summary: 225 layers, 3,157,200 parameters" "$work/summary.txt"
(cd "$work" && "$work/tool/ghostyolo" dataset shapes --out shapes --train 1 --val 4 --imgsz 96 --classes 3 --min-size 20 --seed 7 --no-video --track-frames 0 >/dev/null)

echo "package-check: a new app with the GhostYolo package, published"
mkdir -p "$work/app"
cat >"$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$work/packages" />
  </packageSources>
</configuration>
XML
(cd "$work/app" && dotnet new console --force -n app -o . >/dev/null && dotnet add package GhostYolo --version "$version" >/dev/null)
cat >"$work/app/Program.cs" <<'CS'
using GhostYolo.Engine;
using OpenCvSharp;

// The model YAMLs come with the package: an untrained yolov8n builds from its name.
using (var untrained = Predictor.Load("yolov8n.yaml")) Console.WriteLine($"yolov8n.yaml: {untrained.Names.Count} classes");
using var predictor = Predictor.Load(args[0], imgszFromModel: true);
int found = 0;
foreach (var path in Directory.GetFiles(args[1]).Order())
{
    using var image = Cv2.ImRead(path);
    using var result = predictor.PredictImage(image, path);
    foreach (var d in result.Detections)
        Console.WriteLine($"{Path.GetFileName(path)}: {predictor.Names[d.Class]} {d.Score:F2} at ({d.X1:F0}, {d.Y1:F0})-({d.X2:F0}, {d.Y2:F0})");
    found += result.Detections.Count;
}
return found > 0 ? 0 : 1;
CS
(cd "$work/app" && dotnet publish -c Release -o out --nologo -v q >"$work/publish.log" 2>&1) || { cat "$work/publish.log"; exit 1; }
grep -h "fix-libtorchsharp" "$work/publish.log" || true
"$work/app/out/app" "$model" "$work/shapes/images/val"
echo "package-check: passed"
