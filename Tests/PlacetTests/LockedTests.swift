// `Locked`, the lock shared by the threads that load, decide and serve: no update is lost, a
// thrown error leaves the lock free, and the value comes back as the last writer left it.

import Dispatch
import PlacetLanguage
import Testing

@Suite struct LockedTests {
    @Test func concurrentUpdatesAreNoneOfThemLost() {
        // Appends that grow one array: without the lock, two threads reallocating it at once
        // lose elements or crash.
        let appended = Locked<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for step in 0..<50_000 {
                appended.withLock { $0.append(worker &* 50_000 &+ step) }
            }
        }
        #expect(appended.withLock { $0.sorted() } == Array(0..<200_000))
    }

    struct Refused: Error {}

    @Test func aThrowingBodyReleasesTheLock() {
        let value = Locked(1)
        #expect(throws: Refused.self) {
            try value.withLock { (value: inout Int) throws(Refused) in
                value = 2
                throw Refused()
            }
        }
        // Would wait forever if the throw had kept the lock.
        #expect(value.withLock { $0 } == 2)
    }
}
