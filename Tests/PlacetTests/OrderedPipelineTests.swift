// The ordered pipeline: results in order, each chunk made once, and a reader that never
// depends on a worker being scheduled.

import Dispatch
import PlacetEngine
import PlacetLanguage
import Synchronization
import Testing

@Suite struct OrderedPipelineTests {
    /// No worker ever runs (as when the global queue's threads are all busy): the reader
    /// makes every chunk itself, and finishing does not wait for anyone.
    @Test(.timeLimit(.minutes(1)))
    func theReaderFinishesAloneWhenNoWorkerRuns() {
        let pipeline = OrderedPipeline<Int>(chunks: 50, ahead: 2)
        let results = (0..<50).map { index in pipeline.take(index) { index * 10 } }
        pipeline.finish()
        #expect(results == (0..<50).map { $0 * 10 })
    }

    @Test(.timeLimit(.minutes(1)), arguments: [1, 2, 4, 8])
    func everyChunkIsMadeOnceAndTakenInOrder(workers: Int) {
        let chunks = 2_000
        // `Locked` (a pthread mutex), not `Synchronization.Mutex`: ThreadSanitizer does not see
        // the latter's contended handover on Linux and reports a race (see Locked.swift).
        let made = Locked<[Int]>(Array(repeating: 0, count: chunks))
        let pipeline = OrderedPipeline<Int>(chunks: chunks, ahead: 3)
        pipeline.start(workers: workers) { _ in
            while let index = pipeline.claim() {
                made.withLock { $0[index] += 1 }
                pipeline.deliver(index, index * index)
            }
        }
        var results: [Int] = []
        for index in 0..<chunks {
            results.append(pipeline.take(index) {
                made.withLock { $0[index] += 1 }
                return index * index
            })
        }
        pipeline.finish()
        #expect(results == (0..<chunks).map { $0 * $0 })
        #expect(made.withLock { $0 } == Array(repeating: 1, count: chunks))
    }

    /// A reader that stops early: the workers stop at their next chunk, and none is still
    /// working once `finish` returns.
    @Test(.timeLimit(.minutes(1)))
    func finishingEarlyStopsTheWorkersBeforeReturning() {
        let working = Atomic<Int>(0)
        let pipeline = OrderedPipeline<Int>(chunks: 10_000, ahead: 4)
        pipeline.start(workers: 4) { _ in
            while let index = pipeline.claim() {
                working.add(1, ordering: .sequentiallyConsistent)
                pipeline.deliver(index, index)
                working.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
        for index in 0..<3 { _ = pipeline.take(index) { index } }
        pipeline.finish()
        #expect(working.load(ordering: .sequentiallyConsistent) == 0)
    }
}
