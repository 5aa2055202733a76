// Deciding every placement in id order with memory bounded by a few chunks, not by the run:
// a report states its summary before its decisions, so a first pass counts (without building
// findings), then a second decides chunk by chunk on every core and hands the chunks over
// in order. `check --format json` writes its report this way.

import Dispatch
import Foundation
import PlacetLanguage
import Synchronization

extension PlacementAssessor {
    /// Decides every placement of `inventory`, in placement-id order (as `assess` orders them).
    /// `head` gets the summary and the waiver notices before any decision; `render` turns a
    /// chunk of decisions into a part (on any core); `emit` gets the parts in order, as they
    /// are ready. `describing`: as for `decide` (false leaves each decision's model, target
    /// and datasets out, and its findings' locations).
    /// Returns the machines that decided, with what their memos learnt: a process about to
    /// exit can hold them rather than free them one allocation at a time.
    @discardableResult
    public func assessInOrder<Part: Sendable>(
        _ inventory: Inventory, chunkSize: Int = 512, describing: Bool = true,
        head: (Summary, [Notice]) throws -> Void,
        render: @escaping @Sendable ([Decision]) -> Part,
        emit: (consuming [Part]) throws -> Void
    ) rethrows -> WarmMachines {
        let waivers = WaiverBook(policy: policy, inventory: inventory, asOf: asOf)
        let placementKind = policy.program.placementRecord
        let ids = inventory.tables[placementKind].ids
        let count = ids.count
        let workers = max(1, min((count + chunkSize - 1) / chunkSize, ProcessInfo.processInfo.activeProcessorCount))
        // One more than the workers: the caller's own, when it decides a chunk (below).
        let machines = WarmMachines(count: workers + 1)

        // Pass one: the summary, and which rules have findings on each placement, so pass two
        // evaluates only those. Its machines stay warm for pass two.
        let summary = Locked(Summary())
        let chunks = (count + chunkSize - 1) / chunkSize
        let matchesByChunk = Locked<[MatchTable]>(Array(repeating: MatchTable(), count: chunks))
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var machine = machines.take(worker) ?? workerEvaluator(worker).makeMachine(inventory: inventory)
            var counted = Summary()
            while true {
                let chunk = next.add(1, ordering: .relaxed).oldValue
                guard chunk < chunks else { break }
                let rows = (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize)
                var matches = MatchTable()
                matches.fired.reserveCapacity(rows.count)
                matches.starts.reserveCapacity(rows.count)
                for placement in rows {
                    matches.starts.append(matches.itemMasks.count)
                    let tally = self.tally(placement: placement, waivers: waivers, machine: &machine, itemMasks: &matches.itemMasks)
                    counted.placements += 1
                    if tally.blocked { counted.blocked += 1 } else { counted.approved += 1 }
                    counted.warnings += tally.warnings
                    counted.waived += tally.waived
                    matches.fired.append(tally.fired)
                }
                matchesByChunk.withLock { $0[chunk] = matches }
            }
            machines.put(machine, worker)
            summary.withLock { $0.add(counted) }
        }
        try head(summary.withLock { $0 }, waivers.notices)
        let matches = MatchTable(joining: matchesByChunk.withLock { $0 })

        // Pass two: decisions in id order. Workers decide and render the next chunks while
        // `emit` takes the earlier ones, at most a few chunks ahead.
        let order = (0..<count).sorted { ids[$0] < ids[$1] }
        // Each thread decides into one array it keeps: a chunk's array is tens of kilobytes,
        // and freeing one that large makes malloc consolidate its free lists, chunk after chunk.
        let decideAndRender = { @Sendable (chunk: Int, machine: inout Machine, decisions: inout [Decision]) -> Part in
            decisions.removeAll(keepingCapacity: true)
            // Read through pointers: every core reads these arrays, and retaining them per
            // placement would bounce their reference counts between caches.
            matches.fired.withUnsafeBufferPointer { fired in
                matches.starts.withUnsafeBufferPointer { starts in
                    matches.itemMasks.withUnsafeBufferPointer { itemMasks in
                        for placement in order[(chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize)] {
                            let items = UnsafeBufferPointer(rebasing: itemMasks[starts[placement]..<starts[placement + 1]])
                            decisions.append(decide(placement: placement, inventory: inventory, waivers: waivers, machine: &machine,
                                                    only: fired[placement], itemMatches: items, describing: describing))
                        }
                    }
                }
            }
            return render(decisions)
        }
        let pipeline = OrderedPipeline<Part>(chunks: chunks, ahead: 4 * workers)
        pipeline.start(workers: workers) { worker in
            var machine = machines.take(worker)!
            var decisions: [Decision] = []
            decisions.reserveCapacity(chunkSize)
            while let chunk = pipeline.claim() {
                pipeline.deliver(chunk, decideAndRender(chunk, &machine, &decisions))
            }
            machines.put(machine, worker)
        }
        // When `emit` throws, workers stop at the next chunk; either way those that started
        // are done (their machines put back) before this returns.
        defer { pipeline.finish() }
        // The caller's own machine, for chunks it gets to before any worker does.
        var callerMachine: Machine?
        var callerDecisions: [Decision] = []
        for chunk in 0..<chunks {
            try emit([pipeline.take(chunk) {
                var machine = callerMachine ?? workerEvaluator(workers).makeMachine(inventory: inventory)
                defer { callerMachine = machine }
                return decideAndRender(chunk, &machine, &callerDecisions)
            }])
        }
        if let callerMachine { machines.put(callerMachine, workers) }
        return machines
    }

    /// What a placement adds to the summary, as `decide` would find it, without building
    /// messages or findings: whether it is blocked, its warnings and waived findings, and the
    /// rules with findings (bit i for `rules[i]`; rules past the 64th are always marked).
    /// `itemMasks` gets, for each rule with `for each` and findings, in rule order, the items
    /// that matched (bit i for item i; `MatchTable.unknown` when an item past the 64th did).
    func tally(placement: Int, waivers: WaiverBook, machine: inout Machine,
               itemMasks: inout [UInt64]) -> (blocked: Bool, warnings: Int, waived: Int, fired: UInt64) {
        var blocked = false
        var warnings = 0
        var waived = 0
        var fired: UInt64 = 0
        var subjectsOfRule: [[String]] = []
        // Subjects that are one manifest, by row: most are, and a row is found without the
        // manifest's id copied into an array of names.
        var subjectRowsOfRule: [Int] = []
        for position in rules.indices {
            if skips(position, placement: placement, machine: machine) { continue }
            // Read without reference counting, as in `decide`.
            unretainedRules[position]._withUnsafeGuaranteedRef { rule in
                machine.unretainedRules[rule.index]._withUnsafeGuaranteedRef { code in
                    // Most rules match nothing here: emptying an empty array is not free.
                    if !subjectsOfRule.isEmpty { subjectsOfRule.removeAll(keepingCapacity: true) }
                    if !subjectRowsOfRule.isEmpty { subjectRowsOfRule.removeAll(keepingCapacity: true) }
                    // Every item that matches, a subject seen before or not: `decide` sees them all.
                    var items: UInt64 = 0
                    Self.forEachMatch(of: rule, code: code, placement: placement, machine: &machine) { machine, item in
                        items |= item < 64 ? 1 << UInt64(item) : MatchTable.unknown
                        // As in `decide`: a subject reached twice (by two `for each` items) is one finding.
                        // Without `for each` a rule makes at most one finding, so its subject need not be read.
                        if code.forEach != nil {
                            guard Self.isNewSubject(of: rule, code: code, placement: placement, machine: &machine,
                                                    names: &subjectsOfRule, rows: &subjectRowsOfRule) else { return }
                        }
                        if position < 64 { fired |= 1 << UInt64(position) }
                        switch rule.effect {
                        case .warn:
                            warnings += 1
                        case .block:
                            if !rule.unwaivable, waivers.waiver(rule: rule.index, placement: placement) != nil { waived += 1 } else { blocked = true }
                        }
                    }
                    if code.forEach != nil, position < 64, fired >> UInt64(position) & 1 == 1 { itemMasks.append(items) }
                }
            }
        }
        return (blocked, warnings, waived, fired)
    }

    /// Whether a match's subject is one not seen yet for its rule, as `decide` finds it: by the
    /// names findings give it. Within a rule every subject has the same type, and the rows of
    /// one kind have distinct ids, so a manifest is looked for by row; a name that is not a
    /// row's (an absent subject is "none") is compared with the names of the rows seen too.
    static func isNewSubject(of rule: ActiveRule, code: CompiledRule, placement: Int, machine: inout Machine,
                             names: inout [[String]], rows: inout [Int]) -> Bool {
        let value = code.subject.map { $0(&machine) } ?? .record(placement)
        if case .record(let row) = value {
            guard !rows.contains(row) else { return false }
            if !names.isEmpty, names.contains([machine.formatter.format(value, as: rule.subjectElementType)]) { return false }
            rows.append(row)
            return true
        }
        let subjects = subjectNames(of: value, rule: rule, machine: machine)
        guard !names.contains(subjects) else { return false }
        if subjects.count == 1, rows.contains(where: { machine.formatter.format(.record($0), as: rule.subjectElementType) == subjects[0] }) {
            return false
        }
        names.append(subjects)
        return true
    }
}

/// What the counting pass found, for the deciding pass: per placement, the rules with
/// findings (bit i for `rules[i]`), and for each of those with `for each`, in rule order,
/// the items that matched (`forEachMatch`'s `matched`). About 30 bytes a placement.
struct MatchTable: Sendable {
    /// An item mask that says nothing: the items are tested again.
    static let unknown = UInt64.max
    var fired: [UInt64] = []
    /// Per placement, where its item masks start in `itemMasks`; once joined, one more at
    /// the end, so placement p's are `starts[p]..<starts[p + 1]`.
    var starts: [Int] = []
    var itemMasks: [UInt64] = []

    init() {}

    /// The chunks' tables, one after another.
    init(joining chunks: [MatchTable]) {
        let placements = chunks.reduce(0) { $0 + $1.fired.count }
        fired.reserveCapacity(placements)
        starts.reserveCapacity(placements + 1)
        itemMasks.reserveCapacity(chunks.reduce(0) { $0 + $1.itemMasks.count })
        for chunk in chunks {
            let offset = itemMasks.count
            fired.append(contentsOf: chunk.fired)
            starts.append(contentsOf: chunk.starts.lazy.map { $0 + offset })
            itemMasks.append(contentsOf: chunk.itemMasks)
        }
        starts.append(itemMasks.count)
    }
}

/// Each worker's machine, kept from one assessment (or pass) to the next so its memos
/// stay warm. Worker `i` (of a `concurrentPerform`, or the `i`th thread of a pipeline) is the
/// only one to touch slot `i` while it runs, and the calls that use one `WarmMachines` run one
/// after another, so no slot is ever used by two threads at once.
public final class WarmMachines: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Machine?>
    let capacity: Int
    /// The record kinds whose tables change between the inventories the machines see.
    let changedKinds: Set<Int>

    /// For a stream's batches: placements and waivers change, and so does any kind whose
    /// records name them; the reference data stays.
    public convenience init(streamOf policy: CompiledPolicy) {
        var changed: Set<Int> = [policy.program.placementRecord]
        if let waiver = policy.program.contract.waiver?.record { changed.insert(waiver) }
        let records = policy.schema.records
        var grew = true
        while grew {
            grew = false
            for (kind, record) in records.enumerated() where !changed.contains(kind)
                && record.fields.contains(where: { $0.type.namesRecord(of: changed) }) {
                changed.insert(kind)
                grew = true
            }
        }
        self.init(count: ProcessInfo.processInfo.activeProcessorCount, changedKinds: changed)
    }

    init(count: Int, changedKinds: Set<Int> = []) {
        capacity = count
        self.changedKinds = changedKinds
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func take(_ worker: Int) -> Machine? {
        let machine = slots[worker]
        slots[worker] = nil
        return machine
    }

    func put(_ machine: Machine, _ worker: Int) {
        slots[worker] = machine
    }
}

extension PlacetType {
    /// Whether values of this type name a record of one of `kinds`.
    fileprivate func namesRecord(of kinds: Set<Int>) -> Bool {
        switch self {
        case .record(let kind): kinds.contains(kind)
        case .optional(let inner), .set(let inner), .list(let inner): inner.namesRecord(of: kinds)
        default: false
        }
    }
}
