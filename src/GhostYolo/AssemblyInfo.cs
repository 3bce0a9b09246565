using System.Runtime.CompilerServices;

// Only the public types (tracked in PublicAPI.Shipped.txt / PublicAPI.Unshipped.txt) are the library's API; everything
// else is internal. Three first-party assemblies see the internals:
// - the tests, which check blocks, losses, assigners, loaders and metrics one by one against the references;
// - the CLI (assembly name "ghostyolo"). Its commands only map arguments onto the tasks (src/GhostYolo/Tasks, and
//   Benchmarks/CompareTask) and render their events (an architecture test keeps engines out of the commands), but the
//   rendering reads types an app does not need and the public API therefore leaves internal: the benchmark task and its
//   rows, the int8 calibration report, the MOT metrics, the per-layer summary rows.
// - the developer scripts under tools/ (mot-eval, trackeval-crosscheck: `dotnet run tools/mot-eval/eval.cs`), which check
//   GhostYolo's tracker and MOT metrics against other tools' numbers much as the tests do; each names its assembly
//   GhostYolo.Tools with `#:property AssemblyName=GhostYolo.Tools`.
// The samples (samples/GhostYolo.Samples.*) must never be added here: they are the proof that an app can load, detect
// and serve with the public types alone (tests/GhostYolo.Tests/Architecture/PublicSurfaceTests.cs checks it).
[assembly: InternalsVisibleTo("GhostYolo.Tests")]
[assembly: InternalsVisibleTo("ghostyolo")]
[assembly: InternalsVisibleTo("GhostYolo.Tools")]
