// The evaluator's fast paths against the plain definitions they stand in for: set operations
// by merging canonical sets (and `makeSet` passing a canonical set through) against sorting the
// elements; the message table against a dictionary; the placement-pair memo (`via(d, placement)`)
// against deciding each placement on a fresh machine; findings sorted only when a rule's own
// come out of order.

import Foundation
@testable import PlacetEngine
@testable import PlacetLanguage
import PlacetManifests
import Testing

@Suite struct EvaluationFastPathTests {
    /// The canonical set of `items` as the language defines it: sorted by `Value.precedes`,
    /// equal neighbours dropped. Written out here so the fast paths have something to differ from.
    static func canonical(_ items: [Value]) -> [Value] {
        var unique: [Value] = []
        for item in items.sorted(by: Value.precedes) where unique.last != item { unique.append(item) }
        return unique
    }

    /// A random list: records, enum cases or strings (one kind, or mixed), perhaps with repeats.
    static func list(_ random: inout ConditionGenerator, kind: Int) -> [Value] {
        (0..<random.next(9)).map { _ in
            let pick = kind == 3 ? random.next(3) : kind
            switch pick {
            case 0: return .record(random.next(12))
            case 1: return .enumCase(random.next(12))
            default: return .string(["", "a", "b", "ab", "é", "e\u{301}", "z"][random.next(7)])
            }
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func setOperationsEqualSortingTheElements(seed: UInt64) {
        var random = ConditionGenerator(state: seed)
        var merged = 0
        for _ in 0..<2_000 {
            let kind = random.next(4)
            var left = Self.list(&random, kind: kind), right = Self.list(&random, kind: random.next(5) == 0 ? random.next(4) : kind)
            // Most operands are canonical sets already (the merge); some are raw lists (the sort).
            if random.next(4) != 0 { left = Self.canonical(left) }
            if random.next(4) != 0 { right = Self.canonical(right) }
            for op in [SetOperator.union, .intersect, .except] {
                let expected: [Value] = switch op {
                case .union: Self.canonical(left + right)
                case .intersect: Self.canonical(left.filter { right.contains($0) })
                case .except: Self.canonical(left.filter { !right.contains($0) })
                }
                let result = Value.setOperation(op, .collection(left), .collection(right))
                #expect(result == .collection(expected), "\(op) of \(left) and \(right)")
            }
            #expect(Value.makeSet(left) == .collection(Self.canonical(left)), "set of \(left)")
            if kind < 2, left == Self.canonical(left), right == Self.canonical(right) { merged += 1 }
        }
        #expect(merged > 100, "the merge was taken")
    }

    /// Canonically equal strings are one element, whichever form comes first.
    @Test func canonicallyEqualStringsAreOneElement() {
        let composed = Value.string("\u{e9}"), decomposed = Value.string("e\u{301}")
        #expect(Value.makeSet([composed, decomposed]).elements.count == 1)
        #expect(Value.setOperation(.union, .collection([composed]), .collection([decomposed])).elements.count == 1)
        #expect(Value.setOperation(.except, .collection([composed]), .collection([decomposed])) == .collection([]))
    }

    @Test func messageTableFindsWhatADictionaryFinds() {
        var table = MessageTable()
        var reference: [String: Value] = [:]
        var random = ConditionGenerator(state: 7)
        // Strings of one length hash alike: those keys differ only where equality looks.
        let texts = ["", " (in the training data of the placement's model)", "abc", "abd", "xyz"]
        func key(_ row: Int, _ text: String, _ target: Int) -> MessageKey {
            var key = MessageKey(item: .record(row))
            key.first = .string(text)
            key.second = .record(target)
            return key
        }
        var inserted: [MessageKey] = []
        for _ in 0..<5_000 {
            let row = random.next(40), text = texts[random.next(texts.count)], target = random.next(30)
            let name = "\(row)|\(text)|\(target)"
            let probe = key(row, text, target)
            #expect(table.value(for: probe, hash: probe.mixedHash) == reference[name], "\(name)")
            if reference[name] == nil {
                table.insert(probe, hash: probe.mixedHash, value: .string(name))
                reference[name] = .string(name)
                inserted.append(probe)
            }
        }
        #expect(table.count == reference.count)
        #expect(table.count > 1_000, "the table grew many times")
        var longer = MessageKey(item: .record(1))
        longer.rest = [.bool(true)]
        #expect(table.value(for: longer, hash: longer.mixedHash) == nil)
        // Emptied (a stream's next batch), it finds none of them, and is filled again as new.
        table.removeAll()
        #expect(table.count == 0)
        #expect(inserted.allSatisfy { table.value(for: $0, hash: $0.mixedHash) == nil })
        for (index, probe) in inserted.prefix(100).enumerated() { table.insert(probe, hash: probe.mixedHash, value: .record(index)) }
        #expect(inserted.prefix(100).enumerated().allSatisfy { table.value(for: $1, hash: $1.mixedHash) == .record($0) })
        #expect(inserted.dropFirst(100).allSatisfy { table.value(for: $0, hash: $0.mixedHash) == nil })
    }

    /// Hashes that differ only in their lowest bit share a tag: keys, not tags, tell them apart,
    /// through every growth of the table.
    @Test func messageTableTellsKeysOfOneTagApart() {
        var table = MessageTable()
        for row in 0..<600 {
            let even = MessageKey(item: .record(row)), odd = MessageKey(item: .record(row + 1_000))
            table.insert(even, hash: 2 * row, value: .record(row))
            #expect(table.value(for: odd, hash: 2 * row + 1) == nil)
            table.insert(odd, hash: 2 * row + 1, value: .record(row + 1_000))
        }
        #expect(table.count == 1_200)
        for row in 0..<600 {
            #expect(table.value(for: MessageKey(item: .record(row)), hash: 2 * row) == .record(row))
            #expect(table.value(for: MessageKey(item: .record(row + 1_000)), hash: 2 * row + 1) == .record(row + 1_000))
            #expect(table.value(for: MessageKey(item: .record(row + 5_000)), hash: 2 * row) == nil)
        }
    }

    /// `via(d, placement)` is kept per dataset with the placement it was computed for: one machine
    /// deciding every placement, in order and back again, words each finding as a fresh machine does.
    @Test func placementPairMemoHoldsForItsPlacementOnly() throws {
        let policy = Fixtures.baseline
        let loaded = ManifestLoader(policy: policy).load(paths: [Fixtures.acmeDirectory.path])
        #expect(!loaded.hasErrors)
        let asOf = try #require(CivilDate(iso: "2028-01-01"))
        let assessor = PlacementAssessor(policy: policy, asOf: asOf)
        let waivers = WaiverBook(policy: policy, inventory: loaded.inventory, asOf: asOf)
        let count = loaded.inventory.tables[policy.program.placementRecord].count
        var shared = assessor.evaluator.makeMachine(inventory: loaded.inventory)
        var throughLineage = 0
        for placement in Array(0..<count) + (0..<count).reversed() {
            var fresh = assessor.evaluator.makeMachine(inventory: loaded.inventory)
            let expected = assessor.decide(placement: placement, inventory: loaded.inventory, waivers: waivers, machine: &fresh)
            let seen = assessor.decide(placement: placement, inventory: loaded.inventory, waivers: waivers, machine: &shared)
            #expect(seen.findings.map(\.message) == expected.findings.map(\.message), "placement \(expected.placement)")
            throughLineage += expected.findings.filter { $0.message.contains("in the training data of the placement's model") }.count
        }
        #expect(throughLineage > 0, "some finding reaches its dataset through the model's training data")
    }

    /// Rules run in id order, so `decide` sorts findings only when one rule's come out of order:
    /// a `for each` visits datasets in the order they were read, here the reverse of their ids.
    @Test func findingsComeSortedWhenARulesItemsAreNotInIdOrder() throws {
        func dataset(_ id: String) -> String {
            """
            apiVersion: placet/v1
            kind: Dataset
            id: \(id)
            name: Unrecorded basis \(id)
            controller: ctl-acme-de
            personalData: true
            dataSubjects: [DE]
            classification: confidential
            """
        }
        let extra = [dataset("ds-zz-second"), dataset("ds-aa-first"), """
            apiVersion: placet/v1
            kind: Placement
            id: pl-reverse
            workload: training
            model: mdl-hr-attrition
            datasets: [ds-zz-second, ds-aa-first]
            target: aws-eu-central-1
            stage: development
            framework: spark
            """].joined(separator: "\n---\n")
        var inputs: [ManifestInput] = []
        for file in ["controllers.yaml", "models.yaml", "targets.yaml", "datasets.yaml"] {
            let url = Fixtures.acmeDirectory.appendingPathComponent(file)
            inputs.append(ManifestInput(path: url.path, text: try String(contentsOf: url, encoding: .utf8)))
        }
        inputs.append(ManifestInput(path: "reverse.yaml", text: extra))
        let loaded = Fixtures.load(inputs)
        #expect(!loaded.hasErrors, "\(loaded.diagnostics.map(\.message))")
        let asOf = try #require(CivilDate(iso: "2028-01-01"))
        let decision = try #require(PlacementAssessor(policy: Fixtures.baseline, asOf: asOf).assess(loaded.inventory).decisions.first { $0.placement == "pl-reverse" })
        let lawfulBasis = decision.findings.filter { $0.rule == "gdpr.lawful-basis" }.map(\.subjects)
        #expect(lawfulBasis == [["ds-aa-first"], ["ds-zz-second"]])
        let keys = decision.findings.map { ($0.rule, $0.subjects) }
        #expect(keys.count > 2)
        #expect(zip(keys, keys.dropFirst()).allSatisfy { a, b in a.0 != b.0 ? a.0 < b.0 : a.1.lexicographicallyPrecedes(b.1) },
                "\(keys)")
    }
}
