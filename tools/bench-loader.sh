#!/usr/bin/env bash
# Loader throughput: images/s for mosaic training batches at 640 and 320 with 1 and 2 workers.
# Usage: tools/bench-loader.sh [batches=20] [batch=16]
# Builds a throw-away console project outside the repo that references src/GhostYolo and calls LoaderBenchmark.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BATCHES="${1:-20}"
BATCH="${2:-16}"
WORK="$(mktemp -d -t ghostyolo-bench-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

cat > "$WORK/bench.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <PlatformTarget>x64</PlatformTarget>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$REPO/src/GhostYolo/GhostYolo.csproj" />
  </ItemGroup>
  <Target Name="FixLibTorchSharp" AfterTargets="Build">
    <Exec Command="bash &quot;$REPO/tools/fix-libtorchsharp.sh&quot; &quot;\$(OutDir)&quot;" />
  </Target>
</Project>
XML

cat > "$WORK/Program.cs" <<'CS'
using GhostYolo.Data;
int batches = int.Parse(args[0]), batch = int.Parse(args[1]);
string dir = Path.Combine(Path.GetTempPath(), "ghostyolo-bench-data");
var rows = LoaderBenchmark.Run(dir, [640, 320], [1, 2], batch, batches, images: batch * (batches + 2));
Console.WriteLine($"cores: {Environment.ProcessorCount}; {batches} batches of {batch} from a cold start (one epoch); mosaic 1.0 + default augmentation");
Console.Write(LoaderBenchmark.Format(rows));
Directory.Delete(dir, true);
CS

dotnet build "$WORK/bench.csproj" -c Release -o "$WORK/out" 2>&1 | grep -E " error |rror\(s\)" || true
dotnet "$WORK/out/bench.dll" "$BATCHES" "$BATCH"
