using GhostYolo.Samples.Web;
using OpenCvSharp;

// POST /detect with an image (the raw bytes, or a multipart form with one file) → its detections as JSON.
//   dotnet run --project samples/GhostYolo.Samples.Web -- --GhostYolo:Model=best.gyt [--GhostYolo:Conf=0.25] [--urls http://127.0.0.1:5000]
//   curl --data-binary @image.jpg -H "Content-Type: image/jpeg" http://127.0.0.1:5000/detect
var builder = WebApplication.CreateBuilder(args);
string model = builder.Configuration["GhostYolo:Model"]
    ?? throw new InvalidOperationException("no model: pass --GhostYolo:Model=best.gyt (or set GhostYolo__Model)");
double conf = builder.Configuration.GetValue("GhostYolo:Conf", 0.25);
builder.Services.AddSingleton(_ => new Detector(model, conf));

var app = builder.Build();
app.Services.GetRequiredService<Detector>(); // load the model before the first request

app.MapPost("/detect", async (HttpRequest request, Detector detector, CancellationToken ct) =>
{
    byte[] bytes;
    if (request.HasFormContentType)
    {
        var form = await request.ReadFormAsync(ct);
        if (form.Files.Count != 1) return Results.BadRequest(new { error = "send one image file in the form" });
        using var ms = new MemoryStream();
        await form.Files[0].CopyToAsync(ms, ct);
        bytes = ms.ToArray();
    }
    else
    {
        using var ms = new MemoryStream();
        await request.Body.CopyToAsync(ms, ct);
        bytes = ms.ToArray();
    }
    using var image = bytes.Length == 0 ? new Mat() : Cv2.ImDecode(bytes, ImreadModes.Color);
    if (image.Empty()) return Results.BadRequest(new { error = "the request holds no image OpenCV can decode (JPEG, PNG, BMP, …)" });
    return Results.Ok(await detector.DetectAsync(image, ct));
});
app.MapGet("/health", (Detector detector) => Results.Ok(new { model = detector.Model, classes = detector.Names }));

app.Run();
