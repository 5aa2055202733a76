// How the C heap behaves for one batch run (check, bench): set once, before anything is read.

#if os(Linux)
import CHeap
#endif

enum HeapSettings {
    /// A batch check grows its heap by hundreds of megabytes in small steps and frees it only
    /// at exit. glibc by default extends the heap by what each request needs and gives back
    /// anything over 128 KiB freed at its top, so it calls `brk` (and faults pages in again)
    /// thousands of times: asking for 32 MiB more per step and keeping up to 256 MiB free
    /// saves about 3 % of a 100,000-placement check. The server (long running) and a streamed
    /// check (held to a memory bound) keep glibc's defaults. The shipped build links mimalloc
    /// (scripts/release-build.sh), which then serves every allocation: these settings reach
    /// only glibc's own malloc, left idle, and change nothing.
    static func forBatch() {
        #if os(Linux)
        _ = mallopt(M_TOP_PAD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
        #endif
    }
}
