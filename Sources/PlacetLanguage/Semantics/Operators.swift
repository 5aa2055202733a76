// What each operator of the language means, defined once beside `Value`. The evaluator's
// compiled code and the linter's constant folding both call these, so they cannot disagree.

extension Value {
    /// `-x`: absent for anything but a number.
    public static func negate(_ operand: Value) -> Value {
        guard case .number(let value) = operand else { return .absent }
        return .number(-value)
    }

    /// `+ - * /` on numbers; absent when a side is not a number; division by zero is NaN.
    public static func arithmetic(_ op: ArithmeticOperator, _ lhs: Value, _ rhs: Value) -> Value {
        guard case .number(let a) = lhs, case .number(let b) = rhs else { return .absent }
        switch op {
        case .plus: return .number(a + b)
        case .minus: return .number(a - b)
        case .times: return .number(a * b)
        case .divide: return .number(b == 0 ? .nan : a / b)
        }
    }

    /// `union`, `intersect`, `except`: always a canonical set.
    public static func setOperation(_ op: SetOperator, _ lhs: Value, _ rhs: Value) -> Value {
        let left = lhs.elements
        let right = rhs.elements
        if let merged = mergeOrdered(op, left, right) { return .collection(merged) }
        switch op {
        case .union: return makeSet(left + right)
        case .intersect: return makeSet(left.filter { right.contains($0) })
        case .except: return makeSet(left.filter { !right.contains($0) })
        }
    }

    /// A set operation on two canonical sets of records or of enum cases (datasets, countries:
    /// nearly all of them), by one merge of the two sorted lists: the same set `makeSet` would
    /// make of them, without sorting. Nil for anything else, which takes the general way.
    private static func mergeOrdered(_ op: SetOperator, _ left: [Value], _ right: [Value]) -> [Value]? {
        guard let a = orderedKind(left), let b = orderedKind(right), a == b || left.isEmpty || right.isEmpty else { return nil }
        var result: [Value] = []
        result.reserveCapacity(op == .union ? left.count + right.count : left.count)
        var i = 0, j = 0
        while i < left.count, j < right.count {
            let x = orderKey(left[i]), y = orderKey(right[j])
            if x < y {
                if op != .intersect { result.append(left[i]) }
                i += 1
            } else if y < x {
                if op == .union { result.append(right[j]) }
                j += 1
            } else {
                if op != .except { result.append(left[i]) }
                i += 1
                j += 1
            }
        }
        if op != .intersect { result.append(contentsOf: left[i...]) }
        if op == .union { result.append(contentsOf: right[j...]) }
        return result
    }

    /// Whether a list holds records only (false) or enum cases only (true), strictly ascending
    /// (a canonical set of them); nil otherwise. An empty list holds records only.
    private static func orderedKind(_ items: [Value]) -> Bool? {
        guard let first = items.first else { return false }
        let cases: Bool
        switch first {
        case .record: cases = false
        case .enumCase: cases = true
        default: return nil
        }
        var last = Int.min
        for item in items {
            switch item {
            case .record(let key) where !cases && key > last: last = key
            case .enumCase(let key) where cases && key > last: last = key
            default: return nil
            }
        }
        return cases
    }

    @inline(__always)
    private static func orderKey(_ item: Value) -> Int {
        switch item {
        case .record(let key), .enumCase(let key): key
        default: preconditionFailure("checked by orderedKind")
        }
    }

    /// `x in c`: membership in a collection (a lone value is a collection of one; absent is empty).
    public static func isElement(_ element: Value, of collection: Value) -> Bool {
        collection.elements.contains(element)
    }

    /// `k in keys m`: false when `m` is not a map.
    public static func isKey(_ key: Value, of map: Value) -> Bool {
        guard case .map(let entries) = map else { return false }
        return entries[key] != nil
    }

    /// `m[k]`: absent when `m` is not a map or has no such key.
    public static func lookup(_ map: Value, key: Value) -> Value {
        guard case .map(let entries) = map else { return .absent }
        return entries[key] ?? .absent
    }

    /// `r.f` on a value record: absent when `r` is absent.
    public static func member(_ structure: Value, field: Int) -> Value {
        guard case .structure(let fields) = structure, field < fields.count else { return .absent }
        return fields[field]
    }

    /// `is empty`: an empty collection or map, or a value that is absent.
    public var isEmptyCollection: Bool {
        switch self {
        case .collection(let items): items.isEmpty
        case .map(let entries): entries.isEmpty
        default: true
        }
    }

    /// `count(x)`: the number of elements or entries; 0 for anything else.
    public var count: Value {
        switch self {
        case .collection(let items): .number(Double(items.count))
        case .map(let entries): .number(Double(entries.count))
        default: .number(0)
        }
    }

    /// `set(x)`: the canonical set of a collection's elements.
    public var asSet: Value { Value.makeSet(elements) }
}
