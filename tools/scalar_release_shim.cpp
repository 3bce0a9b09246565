// Deferred release of TorchSharp scalars. Built and linked by tools/fix-libtorchsharp.sh, which hides
// libLibTorchSharp.so's own THSTorch_dispose_scalar so that .NET binds this one.
//
// Why: TorchSharp turns a literal argument (x.mul_(0.5), add_(y, alpha: -lr)) into a temporary Scalar and passes
// only its native handle on. Once the handle is read, the .NET object is unreachable, so a garbage collection started
// by another thread (a loader worker) can run its finalizer, which frees the native at::Scalar while libtorch is still
// reading it. The freed block is soon reused, and the op fails with "Expected false to be true" in Scalar::toDouble or
// computes with a wrong value. TorchSharp's own optimizers do this on every step. Freeing each scalar two seconds after
// its finalizer ran, instead of at once, outlives any op that could still be reading it.
//
// TorchSharp creates only numeric scalars (double, long, bool, complex), whose destructor is trivial, so releasing one
// is releasing its memory — what TorchSharp's `delete scalar` does.
#include <chrono>
#include <deque>
#include <mutex>
#include <new>

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kDelay = std::chrono::seconds(2);

struct Pending { Clock::time_point at; void* scalar; };
struct State { std::mutex lock; std::deque<Pending> queue; };

// Never destroyed: finalizers may still run while the process exits.
State& state() { static State* s = new State; return *s; }
}

extern "C" __attribute__((visibility("default"))) void THSTorch_dispose_scalar(void* scalar)
{
    if (scalar == nullptr) return;
    auto now = Clock::now();
    auto& s = state();
    std::lock_guard<std::mutex> guard(s.lock);
    s.queue.push_back({now, scalar});
    while (now - s.queue.front().at >= kDelay) {
        ::operator delete(s.queue.front().scalar);
        s.queue.pop_front();
    }
}
