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
        switch op {
        case .union: return makeSet(left + right)
        case .intersect: return makeSet(left.filter { right.contains($0) })
        case .except: return makeSet(left.filter { !right.contains($0) })
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
