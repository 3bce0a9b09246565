using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace GhostYolo.Onnx;

/// <summary>
/// A custom ONNX Runtime operator, <c>ai.ghostyolo.Lookup(X: uint8, table: uint8[256]) → Y = table[X]</c>, written in C#
/// against ONNX Runtime's C API (no native library to build or ship). One pass over the uint8 tensor replaces an
/// element-wise chain whose output depends on X alone: the int8 graph's SiLU, which ONNX Runtime runs as two passes
/// (QLinearSigmoid, then QLinearMul of X by it), each reading and writing the whole activation
/// (<see cref="SiluLookup"/>). With AVX-512 VBMI a 64-byte vector is looked up with two <c>vpermi2b</c> and a blend.
/// Large tensors are split over ONNX Runtime's own intra-op threads.
/// </summary>
internal static unsafe class LookupOp
{
    public const string Domain = "ai.ghostyolo";
    public const string Name = "Lookup";

    // OrtApi member indices (onnxruntime_c_api.h, struct OrtApi; the table is append-only, so they hold for every later version).
    private const int CreateStatusIndex = 0, GetErrorMessageIndex = 2, CreateCustomOpDomainIndex = 26, CustomOpDomainAddIndex = 27, AddCustomOpDomainIndex = 28,
        GetTensorMutableDataIndex = 51, GetDimensionsCountIndex = 61, GetDimensionsIndex = 62, GetTensorShapeElementCountIndex = 64,
        GetTensorTypeAndShapeIndex = 65, KernelContextGetInputIndex = 90, KernelContextGetOutputIndex = 91,
        ReleaseTensorTypeAndShapeInfoIndex = 99, KernelContextParallelForIndex = 274;
    // The API version whose table is used (1.17: KernelContext_ParallelFor) and the OrtCustomOp layout declared (16: CreateKernelV2 / KernelComputeV2).
    private const uint ApiVersion = 17, OpVersion = 16;
    private const int Uint8 = 2; // ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8
    // Below this many bytes one thread does it all; above, chunks of this size go to ONNX Runtime's pool.
    private const long Chunk = 64 * 1024;

    private static readonly object Gate = new();
    private static void** _api;
    private static IntPtr _domain;

    /// <summary>Makes the Lookup operator available to sessions created with <paramref name="options"/>.</summary>
    public static void Register(SessionOptions options)
    {
        var domain = DomainHandle();
        Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr>)_api[AddCustomOpDomainIndex])(options.DangerousGetHandle(), domain));
    }

    /// <summary>The table lookup itself: <c>dst[i] = table[src[i]]</c>.</summary>
    public static void Apply(ReadOnlySpan<byte> src, Span<byte> dst, ReadOnlySpan<byte> table)
    {
        if (dst.Length < src.Length || table.Length != 256) throw new ArgumentException("Lookup needs dst as long as src and a 256-byte table");
        fixed (byte* s = src, d = dst, t = table) Apply(s, d, src.Length, t);
    }

    private static void Apply(byte* src, byte* dst, long n, byte* table)
    {
        long i = 0;
        if (Avx512Vbmi.IsSupported)
        {
            var t0 = Vector512.Load(table);
            var t1 = Vector512.Load(table + 64);
            var t2 = Vector512.Load(table + 128);
            var t3 = Vector512.Load(table + 192);
            var half = Vector512.Create((byte)127);
            for (; i + 64 <= n; i += 64)
            {
                var x = Vector512.Load(src + i);
                // vpermi2b indexes 128 bytes with the low 7 bits of each byte; the top bit picks the table half.
                var low = Avx512Vbmi.PermuteVar64x8x2(t0, x, t1);
                var high = Avx512Vbmi.PermuteVar64x8x2(t2, x, t3);
                Vector512.ConditionalSelect(Vector512.GreaterThan(x, half), high, low).Store(dst + i);
            }
        }
        for (; i < n; i++) dst[i] = table[src[i]];
    }

    private static IntPtr DomainHandle()
    {
        lock (Gate)
        {
            if (_domain != IntPtr.Zero) return _domain;
            var library = NativeLibrary.Load("onnxruntime", typeof(InferenceSession).Assembly, null);
            var getApiBase = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(library, "OrtGetApiBase");
            var apiBase = (void**)getApiBase();
            var api = ((delegate* unmanaged<uint, void**>)apiBase[0])(ApiVersion);
            if (api == null) throw new InvalidOperationException($"ONNX Runtime does not offer C API version {ApiVersion}, which the Lookup operator needs");
            _api = api;

            // The operator description and its strings live as long as the process: ONNX Runtime keeps pointers to them.
            var op = (CustomOp*)NativeMemory.AllocZeroed((nuint)sizeof(CustomOp));
            op->Version = OpVersion;
            op->GetName = &GetName;
            op->GetExecutionProviderType = &GetExecutionProviderType;
            op->GetInputType = &GetElementType;
            op->GetInputTypeCount = &GetInputTypeCount;
            op->GetOutputType = &GetElementType;
            op->GetOutputTypeCount = &GetOutputTypeCount;
            op->KernelDestroy = &KernelDestroy;
            op->GetInputCharacteristic = &GetRequired;
            op->GetOutputCharacteristic = &GetRequired;
            op->GetInputMemoryType = &GetDefaultMemory;
            op->GetVariadicInputMinArity = &GetOne;
            op->GetVariadicInputHomogeneity = &GetOne;
            op->GetVariadicOutputMinArity = &GetOne;
            op->GetVariadicOutputHomogeneity = &GetOne;
            op->CreateKernelV2 = &CreateKernel;
            op->KernelComputeV2 = &Compute;

            IntPtr domain;
            var name = Utf8(Domain);
            Check(((delegate* unmanaged<byte*, IntPtr*, IntPtr>)api[CreateCustomOpDomainIndex])(name, &domain));
            Check(((delegate* unmanaged<IntPtr, CustomOp*, IntPtr>)api[CustomOpDomainAddIndex])(domain, op));
            return _domain = domain;
        }
    }

    private static readonly byte* NameUtf8 = Utf8(Name);
    private static readonly byte* CpuProviderUtf8 = Utf8("CPUExecutionProvider");

    private static byte* Utf8(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s + "\0");
        var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        return p;
    }

    private static void Check(IntPtr status)
    {
        if (status == IntPtr.Zero) return;
        // The status is leaked deliberately on this one-time failure path.
        var message = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr, IntPtr>)_api[GetErrorMessageIndex])(status));
        throw new InvalidOperationException($"ONNX Runtime refused the Lookup operator: {message}");
    }

    [UnmanagedCallersOnly] private static byte* GetName(CustomOp* op) => NameUtf8;
    [UnmanagedCallersOnly] private static byte* GetExecutionProviderType(CustomOp* op) => CpuProviderUtf8;
    [UnmanagedCallersOnly] private static int GetElementType(CustomOp* op, nuint index) => Uint8;
    [UnmanagedCallersOnly] private static nuint GetInputTypeCount(CustomOp* op) => 2;
    [UnmanagedCallersOnly] private static nuint GetOutputTypeCount(CustomOp* op) => 1;
    [UnmanagedCallersOnly] private static int GetRequired(CustomOp* op, nuint index) => 0; // INPUT_OUTPUT_REQUIRED
    [UnmanagedCallersOnly] private static int GetDefaultMemory(CustomOp* op, nuint index) => 0; // OrtMemTypeDefault
    [UnmanagedCallersOnly] private static int GetOne(CustomOp* op) => 1;
    [UnmanagedCallersOnly] private static void KernelDestroy(void* kernel) { }

    // The kernel has no state of its own (the table is an input), so any non-null pointer serves as its handle.
    [UnmanagedCallersOnly]
    private static IntPtr CreateKernel(CustomOp* op, void* api, IntPtr info, void** kernel)
    {
        *kernel = op;
        return IntPtr.Zero;
    }

    private struct Job
    {
        public byte* Src, Dst, Table;
        public long Count;
    }

    [UnmanagedCallersOnly]
    private static IntPtr Compute(void* kernel, IntPtr context)
    {
        try
        {
            var api = _api;
            IntPtr x, table, info, y;
            IntPtr status;
            if ((status = ((delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)api[KernelContextGetInputIndex])(context, 0, &x)) != 0) return status;
            if ((status = ((delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)api[KernelContextGetInputIndex])(context, 1, &table)) != 0) return status;
            if ((status = ((delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)api[GetTensorTypeAndShapeIndex])(x, &info)) != 0) return status;
            nuint rank, count;
            ((delegate* unmanaged<IntPtr, nuint*, IntPtr>)api[GetDimensionsCountIndex])(info, &rank);
            var dims = stackalloc long[(int)Math.Max(rank, 1)];
            ((delegate* unmanaged<IntPtr, long*, nuint, IntPtr>)api[GetDimensionsIndex])(info, dims, rank);
            ((delegate* unmanaged<IntPtr, nuint*, IntPtr>)api[GetTensorShapeElementCountIndex])(info, &count);
            ((delegate* unmanaged<IntPtr, void>)api[ReleaseTensorTypeAndShapeInfoIndex])(info);
            if ((status = ((delegate* unmanaged<IntPtr, nuint, long*, nuint, IntPtr*, IntPtr>)api[KernelContextGetOutputIndex])(context, 0, dims, rank, &y)) != 0) return status;

            Job job;
            if ((status = ((delegate* unmanaged<IntPtr, void**, IntPtr>)api[GetTensorMutableDataIndex])(x, (void**)&job.Src)) != 0) return status;
            if ((status = ((delegate* unmanaged<IntPtr, void**, IntPtr>)api[GetTensorMutableDataIndex])(table, (void**)&job.Table)) != 0) return status;
            if ((status = ((delegate* unmanaged<IntPtr, void**, IntPtr>)api[GetTensorMutableDataIndex])(y, (void**)&job.Dst)) != 0) return status;
            job.Count = (long)count;
            long chunks = (job.Count + Chunk - 1) / Chunk;
            if (chunks <= 1)
            {
                Apply(job.Src, job.Dst, job.Count, job.Table);
                return IntPtr.Zero;
            }
            return ((delegate* unmanaged<IntPtr, delegate* unmanaged<void*, nuint, void>, nuint, nuint, void*, IntPtr>)api[KernelContextParallelForIndex])(
                context, &ComputeChunk, (nuint)chunks, 0, &job);
        }
        catch (Exception e)
        {
            var message = Utf8($"ghostyolo Lookup: {e.Message}");
            var status = ((delegate* unmanaged<int, byte*, IntPtr>)_api[CreateStatusIndex])(1, message); // ORT_FAIL; copies the message
            NativeMemory.Free(message);
            return status;
        }
    }

    [UnmanagedCallersOnly]
    private static void ComputeChunk(void* data, nuint index)
    {
        var job = (Job*)data;
        long start = (long)index * Chunk;
        Apply(job->Src + start, job->Dst + start, Math.Min(Chunk, job->Count - start), job->Table);
    }

    /// <summary>struct OrtCustomOp of onnxruntime_c_api.h, as far as <see cref="OpVersion"/> reads it (later members stay null).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct CustomOp
    {
        public uint Version;
        public void* CreateKernel;
        public delegate* unmanaged<CustomOp*, byte*> GetName;
        public delegate* unmanaged<CustomOp*, byte*> GetExecutionProviderType;
        public delegate* unmanaged<CustomOp*, nuint, int> GetInputType;
        public delegate* unmanaged<CustomOp*, nuint> GetInputTypeCount;
        public delegate* unmanaged<CustomOp*, nuint, int> GetOutputType;
        public delegate* unmanaged<CustomOp*, nuint> GetOutputTypeCount;
        public void* KernelCompute;
        public delegate* unmanaged<void*, void> KernelDestroy;
        public delegate* unmanaged<CustomOp*, nuint, int> GetInputCharacteristic;
        public delegate* unmanaged<CustomOp*, nuint, int> GetOutputCharacteristic;
        public delegate* unmanaged<CustomOp*, nuint, int> GetInputMemoryType;
        public delegate* unmanaged<CustomOp*, int> GetVariadicInputMinArity;
        public delegate* unmanaged<CustomOp*, int> GetVariadicInputHomogeneity;
        public delegate* unmanaged<CustomOp*, int> GetVariadicOutputMinArity;
        public delegate* unmanaged<CustomOp*, int> GetVariadicOutputHomogeneity;
        public delegate* unmanaged<CustomOp*, void*, IntPtr, void**, IntPtr> CreateKernelV2;
        public delegate* unmanaged<void*, IntPtr, IntPtr> KernelComputeV2;
        public void* InferOutputShapeFn;
        public void* GetStartVersion, GetEndVersion;
        public void* GetMayInplace, ReleaseMayInplace;
        public void* GetAliasMap, ReleaseAliasMap;
    }
}
