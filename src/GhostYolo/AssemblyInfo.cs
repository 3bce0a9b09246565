using System.Runtime.CompilerServices;

// Only the public types (tracked in PublicAPI.Shipped.txt / PublicAPI.Unshipped.txt) are the library's API; everything
// else is internal. Three first-party assemblies see the internals:
// - the tests, which check blocks, losses, assigners, loaders and metrics one by one against the references;
// - the CLI (assembly name "ghostyolo"), the first-party host that still assembles some engines directly (models, loaders,
//   validators, benchmarks) until the task layer (src/GhostYolo/Tasks) takes that over. Once every command only maps
//   arguments onto a task's options and renders its events, this line can go.
// - the developer scripts under tools/ (mot-eval, trackeval-crosscheck: `dotnet run tools/mot-eval/eval.cs`), which check
//   GhostYolo's tracker and MOT metrics against other tools' numbers much as the tests do; each names its assembly
//   GhostYolo.Tools with `#:property AssemblyName=GhostYolo.Tools`.
// The samples (samples/GhostYolo.Samples.*) must never be added here: they are the proof that an app can load, detect
// and serve with the public types alone (tests/GhostYolo.Tests/Architecture/PublicSurfaceTests.cs checks it).
[assembly: InternalsVisibleTo("GhostYolo.Tests")]
[assembly: InternalsVisibleTo("ghostyolo")]
[assembly: InternalsVisibleTo("GhostYolo.Tools")]
