// A value behind a pthread mutex, shared by the threads that convert, decide and serve.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value only reached while holding its lock.
///
/// Placet uses this rather than `Synchronization.Mutex` because on Linux that mutex is a
/// priority-inheriting futex: when it is contended the kernel hands it over, so
/// ThreadSanitizer sees no acquire and reports the next reader of the guarded value as a race
/// with the previous writer. A pthread mutex is intercepted, so the sanitized test runs judge
/// the code, not the lock.
package final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    package init(_ value: sending Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// The result of `body` run on the value while no other thread can reach it.
    package func withLock<Result, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
