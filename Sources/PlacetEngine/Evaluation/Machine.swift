// One evaluation thread's state: the value stack with a base pointer per call (so a call
// allocates nothing), the inventory's rows, and the memos that make definitions cheap.
// Every frame — a rule's, a definition call's, an explanation following a call — is made here.

import PlacetLanguage

struct Machine {
    var stack: [Value] = []
    var base = 0
    /// How many definition calls deep evaluation is: observers tell a rule's own leaves from a
    /// definition's by it.
    private(set) var callDepth = 0
    var observer: (any EvaluationObserver)?
    /// The constants' values while constants are being computed (the final code has them built in).
    var constants: [Value] = []
    private(set) var rows: [[[Value]]]
    /// The rules compiled by this machine's evaluator.
    let rules: [CompiledRule]
    /// `rules` again, unretained: `rules` keeps them alive as long as the machine, and no
    /// compiled code replaces the machine it runs on.
    let unretainedRules: [Unmanaged<CompiledRule>]
    private(set) var formatter: ValueFormatter
    private let functions: [CompiledExpression]
    private let frameSizes: [Int]
    /// Per definition, the record kinds of its parameters, to tell which memos a new inventory spoils.
    private let parameterKinds: [[Int]]
    private let memoizedByRecord: [Bool]
    /// Definitions are pure, so a call with the same single argument gives the same value
    /// (within one evaluation date). The last argument and result of each definition are
    /// kept: rules that all ask for `located(placement)` compute it once per placement.
    private var memoArgument: [Value]
    private var memoResult: [Value]
    /// Calls whose arguments are all manifests (one or two) hold for the whole run, so
    /// `restrictedTransfer(d, t)` is computed once per dataset and target however many rules
    /// and placements ask. Dense tables by row where they are small, a dictionary otherwise.
    private var recordMemo: [[Value?]]
    /// The same for definitions that return a bool, a byte per entry (0 unknown, 1 false,
    /// 2 true): a dataset-by-target table then fits in cache.
    private var boolMemo: [[UInt8]]
    private let returnsBool: [Bool]
    private var recordMemoShape: [(first: Int, second: Int)?]
    private var sparseMemo: [Int: Value] = [:]
    /// Definitions of a manifest and the placement (`via(d, placement)`): which argument is the
    /// placement and the other's record kind. Within one placement they are called again and
    /// again (each rule over its datasets, each message), so each keeps its last value per row
    /// of the other manifest, with the placement it was computed for.
    private let placementPairs: [(placementFirst: Bool, otherKind: Int)?]
    private var placementMemo: [[PlacementMemoEntry]]
    /// Per rule, finding messages by `for each` item, for messages that depend on nothing else.
    private var messages: [MessageTable]
    /// The same for messages that read nothing of the placement: by item alone, as many as
    /// there are items (reference data, not placements).
    private var itemMessages: [[Value: Value]]
    /// The same by the item's row, for items that are records (most).
    private var itemMessagesByRow: [[Value?]]
    /// Per rule, its item test's value by the item's row (`CompiledRule.itemTest`): 0 unknown,
    /// 1 false, 2 true.
    private var itemMemo: [[UInt8]]

    init(functions: [CompiledExpression], memoizedByRecord: [Bool], program: CheckedProgram, inventory: Inventory?, rules: [CompiledRule] = []) {
        self.functions = functions
        self.rules = rules
        unretainedRules = rules.map { Unmanaged.passUnretained($0) }
        self.memoizedByRecord = memoizedByRecord
        rows = inventory?.tables.map(\.rows) ?? []
        formatter = ValueFormatter(schema: program.schema, inventory: inventory)
        memoArgument = Array(repeating: .absent, count: functions.count)
        memoResult = Array(repeating: .absent, count: functions.count)
        messages = Array(repeating: MessageTable(), count: rules.isEmpty ? 0 : program.rules.count)
        itemMessages = messages.map { _ in [:] }
        itemMessagesByRow = messages.map { _ in [] }
        itemMemo = Array(repeating: [], count: rules.count)
        // A machine without definitions folds one constant expression while compiling: it
        // needs no per-definition tables, and compiling makes one per folded node.
        guard !functions.isEmpty else {
            placementPairs = []
            placementMemo = []
            frameSizes = []
            parameterKinds = []
            recordMemo = []
            boolMemo = []
            returnsBool = []
            recordMemoShape = []
            return
        }
        frameSizes = program.functions.map(\.frameSize)
        let placementKind = program.placementRecord
        placementPairs = program.functions.map { function in
            guard function.parameterTypes.count == 2,
                  case .record(let first) = function.parameterTypes[0], case .record(let second) = function.parameterTypes[1],
                  (first == placementKind) != (second == placementKind) else { return nil }
            return first == placementKind ? (true, second) : (false, first)
        }
        placementMemo = Array(repeating: [], count: program.functions.count)
        parameterKinds = program.functions.map { function in
            function.parameterTypes.compactMap { if case .record(let kind) = $0 { kind } else { nil } }
        }
        let counts = inventory?.tables.map(\.count) ?? []
        recordMemoShape = program.functions.enumerated().map { index, function in
            guard !counts.isEmpty, memoizedByRecord[index] else { return nil }
            let sizes = function.parameterTypes.map { type -> Int in
                if case .record(let kind) = type, kind < counts.count { counts[kind] } else { 0 }
            }
            let first = sizes[0]
            let second = sizes.count > 1 ? sizes[1] : 1
            // Byte tables for bools may be large; tables of values stay small, or a short run
            // (a single `where`) pays more to make the table than it saves.
            let limit = function.returnType == .bool ? 1 << 18 : 1 << 14
            let (size, overflow) = first.multipliedReportingOverflow(by: second)
            guard first > 0, second > 0, !overflow, size <= limit else { return nil }
            return (first, second)
        }
        // Tables are made on a definition's first call: most machines call few of them.
        recordMemo = Array(repeating: [], count: recordMemoShape.count)
        boolMemo = Array(repeating: [], count: recordMemoShape.count)
        returnsBool = program.functions.map { $0.returnType == .bool }
        stack.reserveCapacity(64)
    }

    /// Moves the machine to an inventory whose tables of `changed` kinds differ (a stream's next
    /// batch: new placements and their waivers beside the same reference data). What it learnt
    /// about the other kinds' records stays: a definition of datasets and targets only reads
    /// those records and what they name, which are the same rows. Everything that may involve
    /// a changed kind is forgotten: the last call of each definition, the run-long memos of
    /// definitions with a parameter of a changed kind, and the messages built per item.
    mutating func rebind(to inventory: Inventory, changed: Set<Int>) {
        rows = inventory.tables.map(\.rows)
        formatter = ValueFormatter(schema: formatter.schema, inventory: inventory)
        for function in memoArgument.indices {
            memoArgument[function] = .absent
            memoResult[function] = .absent
        }
        var spoiled: Set<Int> = []
        for (function, kinds) in parameterKinds.enumerated() where kinds.contains(where: changed.contains) {
            spoiled.insert(function)
            recordMemo[function] = []
            boolMemo[function] = []
            recordMemoShape[function] = nil
            placementMemo[function] = []
        }
        if !spoiled.isEmpty { sparseMemo = sparseMemo.filter { !spoiled.contains(($0.key >> 48) & 0xFFF) } }
        for rule in messages.indices {
            messages[rule].removeAll()
            itemMessages[rule].removeAll(keepingCapacity: true)
            itemMessagesByRow[rule].removeAll(keepingCapacity: true)
        }
        for (rule, code) in rules.enumerated() where code.itemTest.map({ changed.contains($0.kind) }) ?? false {
            itemMemo[rule] = []
        }
    }

    /// Rule `rule`'s message for `item` and the values of `parts` (`CompiledRule.messageKey`),
    /// built by `build` only the first time they are seen together.
    /// Once a rule has kept `messageLimit` messages by key, the rest are built as they come:
    /// keys that many are likely to name each placement, and asking would only add to building.
    mutating func message(rule: Int, item: Value, parts: [CompiledExpression], build: Code) -> Value {
        if parts.isEmpty {
            // By the item's row where it is a record (every `for each` over manifests): an
            // array read, where a dictionary would hash the value.
            if case .record(let row) = item, row >= 0 {
                if row < itemMessagesByRow[rule].count, let known = itemMessagesByRow[rule][row] { return known }
                let message = build(&self)
                if row >= itemMessagesByRow[rule].count {
                    itemMessagesByRow[rule].append(contentsOf: repeatElement(nil, count: row + 1 - itemMessagesByRow[rule].count))
                }
                itemMessagesByRow[rule][row] = message
                return message
            }
            if let known = itemMessages[rule][item] { return known }
            let message = build(&self)
            itemMessages[rule][item] = message
            return message
        }
        guard messages[rule].count < messageLimit else { return build(&self) }
        var key = MessageKey(item: item)
        for (index, part) in parts.enumerated() {
            let value = part.code(&self)
            switch index {
            case 0: key.first = value
            case 1: key.second = value
            default: key.rest.append(value)
            }
        }
        let hash = key.mixedHash
        if let known = messages[rule].value(for: key, hash: hash) { return known }
        let message = build(&self)
        messages[rule].insert(key, hash: hash, value: message)
        return message
    }

    /// Messages kept per rule at most, so a key that names every placement (its id, say)
    /// cannot grow a machine without bound.
    var messageLimit = 4_096

    /// Whether rule `rule`'s item test holds for the `for each` item in slot 1, computed once
    /// per item row.
    /// `kind` is that of `code.itemTest`, whose closure is taken out only for a row not yet known.
    mutating func itemHolds(rule: Int, kind: Int, code: CompiledRule) -> Bool {
        guard case .record(let row) = stack[1], kind < rows.count, row < rows[kind].count else {
            return code.itemTest.map { $0.code(&self).boolValue } ?? true
        }
        if itemMemo[rule].isEmpty { itemMemo[rule] = Array(repeating: 0, count: rows[kind].count) }
        let known = itemMemo[rule][row]
        if known != 0 { return known == 2 }
        let holds = code.itemTest.map { $0.code(&self).boolValue } ?? true
        itemMemo[rule][row] = holds ? 2 : 1
        return holds
    }

    /// Whether rule `rule`'s `for each` item, field `field` of the placement's row, is absent
    /// or a record already known to fail the rule's item test: the rule has no match there.
    func itemKnownToFail(rule: Int, placement: Int, kind: Int, field: Int) -> Bool {
        guard kind < rows.count, placement >= 0, placement < rows[kind].count, field < rows[kind][placement].count else { return false }
        switch rows[kind][placement][field] {
        case .absent: return true
        case .record(let row): return row >= 0 && row < itemMemo[rule].count && itemMemo[rule][row] == 1
        default: return false
        }
    }

    /// Puts a rule's `for each` item in slot 1 of its frame (made by `enterRule`).
    @inline(__always)
    mutating func setItem(_ item: Value) {
        assert(stack.count > 1, "a rule with `for each` has a frame of at least two slots")
        stack.withUnsafeMutableBufferPointer { $0[1] = item }
    }

    /// Clears the stack and makes the frame of a rule: the placement in slot 0, then its locals.
    mutating func enterRule(frameSize: Int, placement: Int) {
        base = 0
        let size = max(1, frameSize)
        pop(to: size)
        // The slots left by the last rule are overwritten in place, not removed and appended;
        // those already absent (most: a rule's locals are few) are left as they are.
        if stack.isEmpty { stack.append(.record(placement)) } else { stack[0] = .record(placement) }
        for slot in stack.indices.dropFirst() {
            if case .absent = stack[slot] { continue }
            stack[slot] = .absent
        }
        while stack.count < size { stack.append(.absent) }
    }

    /// Drops the stack down to `count` values. One at a time: `removeLast(_:)` goes through
    /// the generic `replaceSubrange`, which costs more than the frames it pops.
    @inline(__always)
    private mutating func pop(to count: Int) {
        while stack.count > count { stack.removeLast() }
    }

    /// A definition call: arguments evaluated into a new frame, then the body, unless a memo knows.
    mutating func call(_ function: Int, arguments: [CompiledExpression]) -> Value {
        let frame = stack.count
        for argument in arguments {
            let value = argument.code(&self)
            stack.append(value)
        }
        return enter(function, frame: frame)
    }

    /// A one-argument call (most are): the memos are asked before a frame is made.
    mutating func call(_ function: Int, _ argument: Value) -> Value {
        if memoizedByRecord[function] {
            if let shape = recordMemoShape[function], case .record(let row) = argument, row < shape.first,
               let known = knownDense(function, slot: row) {
                return known
            }
        } else if argument != .absent, memoArgument[function] == argument {
            return memoResult[function]
        }
        let frame = stack.count
        stack.append(argument)
        return enter(function, frame: frame)
    }

    /// A two-argument call: the dense memo, or the placement's, is asked before a frame is made.
    mutating func call(_ function: Int, _ first: Value, _ second: Value) -> Value {
        if memoizedByRecord[function], let shape = recordMemoShape[function],
           case .record(let a) = first, case .record(let b) = second, a < shape.first, b < shape.second,
           let known = knownDense(function, slot: a * shape.second + b) {
            return known
        }
        // Observed machines (explain, coverage) see every call's body evaluated.
        if let pair = placementPairs[function], observer == nil, case .record(let a) = first, case .record(let b) = second {
            let (placement, other) = pair.placementFirst ? (a, b) : (b, a)
            if placementMemo[function].isEmpty, pair.otherKind < rows.count, (1...1 << 20).contains(rows[pair.otherKind].count) {
                placementMemo[function] = Array(repeating: PlacementMemoEntry(placement: -1, value: .absent), count: rows[pair.otherKind].count)
            }
            if other >= 0, other < placementMemo[function].count {
                if placementMemo[function][other].placement == placement { return placementMemo[function][other].value }
                let frame = stack.count
                stack.append(first)
                stack.append(second)
                let result = enter(function, frame: frame)
                placementMemo[function][other] = PlacementMemoEntry(placement: placement, value: result)
                return result
            }
        }
        let frame = stack.count
        stack.append(first)
        stack.append(second)
        return enter(function, frame: frame)
    }

    /// A dense memo's value for `slot`, nil when not yet known.
    private func knownDense(_ function: Int, slot: Int) -> Value? {
        if returnsBool[function] {
            guard !boolMemo[function].isEmpty else { return nil }
            let known = boolMemo[function][slot]
            return known == 0 ? nil : .bool(known == 2)
        }
        guard !recordMemo[function].isEmpty else { return nil }
        return recordMemo[function][slot]
    }

    /// The call whose arguments are on the stack from `frame`: a memo's value, or the body's.
    private mutating func enter(_ function: Int, frame: Int) -> Value {
        if memoizedByRecord[function] {
            if let slot = denseMemoSlot(function: function, frame: frame), let shape = recordMemoShape[function] {
                if let known = knownDense(function, slot: slot) {
                    pop(to: frame)
                    return known
                }
                let result = run(function, frame: frame)
                if returnsBool[function] {
                    if boolMemo[function].isEmpty { boolMemo[function] = Array(repeating: 0, count: shape.first * shape.second) }
                    boolMemo[function][slot] = result.boolValue ? 2 : 1
                } else {
                    if recordMemo[function].isEmpty { recordMemo[function] = Array(repeating: nil, count: shape.first * shape.second) }
                    recordMemo[function][slot] = result
                }
                return result
            }
            if let key = Self.recordKey(function: function, arguments: stack[frame...]) {
                if let known = sparseMemo[key] {
                    pop(to: frame)
                    return known
                }
                let result = run(function, frame: frame)
                sparseMemo[key] = result
                return result
            }
        }
        let memoizable = stack.count - frame == 1 && stack[frame] != .absent
        if memoizable, memoArgument[function] == stack[frame] {
            stack.removeLast()
            return memoResult[function]
        }
        let argument = memoizable ? stack[frame] : .absent
        let result = run(function, frame: frame)
        if memoizable {
            memoArgument[function] = argument
            memoResult[function] = result
        }
        return result
    }

    /// Runs a definition's body on these argument values, past every memo: explanations
    /// follow a call into its body this way.
    mutating func invoke(_ function: Int, arguments: [Value]) -> Value {
        let frame = stack.count
        stack.append(contentsOf: arguments)
        return run(function, frame: frame)
    }

    /// Runs the body of `function` whose arguments start at `frame`, then pops the frame.
    private mutating func run(_ function: Int, frame: Int) -> Value {
        for _ in (stack.count - frame)..<max(stack.count - frame, frameSizes[function]) { stack.append(.absent) }
        let savedBase = base
        base = frame
        callDepth += 1
        let body = functions[function].code
        let result = body(&self)
        callDepth -= 1
        base = savedBase
        pop(to: frame)
        return result
    }

    private func denseMemoSlot(function: Int, frame: Int) -> Int? {
        guard let shape = recordMemoShape[function], case .record(let first) = stack[frame], first < shape.first else { return nil }
        if shape.second == 1, stack.count - frame == 1 { return first }
        guard stack.count - frame == 2, case .record(let second) = stack[frame + 1], second < shape.second else { return nil }
        return first * shape.second + second
    }

    /// The argument count (2 bits), the function (12 bits) and one or two record rows (24 bits
    /// each) packed in one integer; nil when one does not fit.
    private static func recordKey(function: Int, arguments: ArraySlice<Value>) -> Int? {
        guard function < 1 << 12 else { return nil }
        var key = arguments.count << 60 | function << 48
        var shift = 24
        for argument in arguments {
            guard case .record(let row) = argument, row < 1 << 24 else { return nil }
            key |= row << shift
            shift -= 24
        }
        return key
    }
}

/// A placement-pair memo's entry: the value for one row of the other manifest, and the
/// placement row it holds for (-1: none yet).
struct PlacementMemoEntry {
    var placement: Int
    var value: Value
}

/// A message's key: its `for each` item and key parts, the first two inline so that asking
/// allocates nothing (messages have one or two). Hashed on what is cheap to hash (rows, cases,
/// flags, a string's length) by a multiply-and-shift mix, not SipHash: the keys are the
/// engine's own values, not input an attacker picks to collide, and a table never holds more
/// than `Machine.messageLimit`. Equality compares everything, so equal strings of equal length
/// only share a bucket.
struct MessageKey: Equatable {
    let item: Value
    var first: Value = .absent
    var second: Value = .absent
    var rest: [Value] = []

    init(item: Value) {
        self.item = item
    }

    var mixedHash: Int {
        var hash = UInt64(truncatingIfNeeded: rest.count) &+ 0x243F_6A88_85A3_08D3
        func mix(_ value: Value) {
            let bits: UInt64 = switch value {
            case .record(let row): UInt64(truncatingIfNeeded: row) &* 4 &+ 1
            case .enumCase(let index): UInt64(truncatingIfNeeded: index) &* 4 &+ 2
            case .bool(let flag): flag ? 3 : 7
            case .string(let text): UInt64(truncatingIfNeeded: text.utf8.count) &* 4
            default: 11
            }
            hash = (hash ^ bits) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 29
        }
        mix(item)
        mix(first)
        mix(second)
        for value in rest { mix(value) }
        return Int(truncatingIfNeeded: hash)
    }
}

/// One rule's messages by key: open addressing with linear probing, at most half full.
/// Probing reads the hashes alone, kept apart from the keys and messages: an entry read
/// whole would retain and release its key's and message's storage at every slot it passes.
struct MessageTable {
    /// Per slot, the hash of its key with the lowest bit set, or 0 while the slot is empty.
    private var tags: [Int] = []
    private var keys: [MessageKey] = []
    private var values: [Value] = []
    private(set) var count = 0

    private static func tag(_ hash: Int) -> Int { hash | 1 }

    /// Where probing for a key starts: from the bits its tag keeps, so a grown table finds the
    /// same start from the tag as a lookup does from the hash.
    private static func start(_ tag: Int, _ mask: Int) -> Int { (tag >> 1) & mask }

    func value(for key: MessageKey, hash: Int) -> Value? {
        guard !tags.isEmpty else { return nil }
        let tag = Self.tag(hash)
        let mask = tags.count - 1
        var slot = Self.start(tag, mask)
        while tags[slot] != 0 {
            if tags[slot] == tag, keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Adds a key that `value(for:hash:)` did not find.
    mutating func insert(_ key: MessageKey, hash: Int, value: Value) {
        if 2 * (count + 1) > tags.count { grow() }
        let tag = Self.tag(hash)
        let mask = tags.count - 1
        var slot = Self.start(tag, mask)
        while tags[slot] != 0 { slot = (slot + 1) & mask }
        tags[slot] = tag
        keys[slot] = key
        values[slot] = value
        count += 1
    }

    /// Empties the table and keeps its room: a stream's next batch fills it again about as
    /// far, and growing it anew would allocate (and first touch) every array again.
    mutating func removeAll() {
        guard count > 0 else { return }
        for slot in tags.indices where tags[slot] != 0 {
            tags[slot] = 0
            keys[slot] = MessageKey(item: .absent)
            values[slot] = .absent
        }
        count = 0
    }

    private mutating func grow() {
        let oldTags = tags, oldKeys = keys, oldValues = values
        let size = max(64, 2 * oldTags.count)
        tags = Array(repeating: 0, count: size)
        keys = Array(repeating: MessageKey(item: .absent), count: size)
        values = Array(repeating: .absent, count: size)
        let mask = size - 1
        for old in oldTags.indices where oldTags[old] != 0 {
            var slot = Self.start(oldTags[old], mask)
            while tags[slot] != 0 { slot = (slot + 1) & mask }
            tags[slot] = oldTags[old]
            keys[slot] = oldKeys[old]
            values[slot] = oldValues[old]
        }
    }
}
