// The fast path for JSON Lines: one manifest line read straight into a record of the schema,
// without a document tree. It takes only what it can judge alone, a well-formed line with
// known keys and values of the right types, and declines (nil) everything else, so the
// general path (JSONReader, then ManifestConverter) reads those lines and words every error.
// For every line it takes, the result equals the general path's (DirectLineConverterTests).

import Foundation
import PlacetEngine
import PlacetLanguage

/// Ids already read when a file's reading starts, by kind (nil for a kind not looked up), so
/// that its references to them are resolved as its lines are converted. Rows never move, so
/// the row found is the one `resolveReferences` would find. An id is found by its bytes, as
/// the line spells it, without a String made and hashed; one not found here (spelled in
/// another Unicode normalization, say) is resolved at the end as before.
struct KnownRecordIDs: Sendable {
    private let tables: [IDTable?]

    init(indexes: [[String: Int]?]) {
        tables = indexes.map { $0.map { IDTable($0.lazy.map { ($0.key, $0.value) }) } }
    }

    func row(of id: String, kind: Int) -> Int? {
        var id = id
        return id.withUTF8 { row(of: $0, 0..<$0.count, kind: kind) }
    }

    /// The row of the id spelled by `range` of `bytes` (quotes excluded).
    func row(of bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, kind: Int) -> Int? {
        tables[kind]?.value(of: bytes, range)
    }
}

/// Values by name (rows by id, say), found by the name's bytes: the names kept one after
/// another, an open-addressed table of FNV-1a hashes, each hit confirmed by comparing bytes.
struct IDTable: Sendable {
    private let bytes: [UInt8]
    /// Per entry: where its name starts in `bytes`, its length and its value.
    private let entries: [(start: Int, length: Int, value: Int)]
    /// Index into `entries` plus one; 0 is an empty slot.
    private let slots: [Int32]
    private let mask: Int

    /// `names`: distinct names with their values.
    init(_ names: some Collection<(String, Int)>) {
        var bytes: [UInt8] = []
        var entries: [(start: Int, length: Int, value: Int)] = []
        entries.reserveCapacity(names.count)
        for (name, value) in names {
            entries.append((bytes.count, name.utf8.count, value))
            bytes.append(contentsOf: name.utf8)
        }
        var size = 8
        while size < entries.count * 2 { size *= 2 }
        mask = size - 1
        var slots = [Int32](repeating: 0, count: size)
        bytes.withUnsafeBufferPointer { buffer in
            for (position, entry) in entries.enumerated() {
                var slot = Self.hash(buffer, entry.start, entry.length) & (size - 1)
                while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
                slots[slot] = Int32(position + 1)
            }
        }
        self.bytes = bytes
        self.entries = entries
        self.slots = slots
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for offset in start..<(start + count) { hash = (hash ^ UInt64(bytes[offset])) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ hash >> 29)
    }

    /// The value of the name that `range` of `text` spells.
    func value(of text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = text.baseAddress else { return nil }
        var slot = Self.hash(text, range.lowerBound, range.count) & mask
        return bytes.withUnsafeBufferPointer { bytes in
            while true {
                let entry = Int(slots[slot])
                if entry == 0 { return nil }
                let (start, length, value) = entries[entry - 1]
                if length == range.count, memcmp(bytes.baseAddress! + start, base + range.lowerBound, length) == 0 { return value }
                slot = (slot + 1) & mask
            }
        }
    }
}

extension Value {
    /// Absent or an empty collection: a default with no id in it to resolve.
    fileprivate var holdsNoID: Bool {
        switch self {
        case .absent: true
        case .collection(let items): items.isEmpty
        default: false
        }
    }
}

struct DirectLineConverter: Sendable {
    private let schema: Schema
    /// Each kind's values before any field is read: the schema defaults, else absent.
    private let defaults: [[Value]]
    /// Each kind's required fields as bits (kinds with more than 64 fields are declined).
    private let required: [UInt64]
    /// Waivers name rules, which the general path checks against the policy.
    private let waiverKind: Int?
    /// Record kinds and each kind's fields by their quoted names as a line writes them, so a
    /// key is found from its bytes without making a String of it.
    private let kinds: QuotedNameTable
    private let fields: [QuotedNameTable]
    private let enumerationCases: [QuotedNameTable]
    /// Each kind's reference fields whose default is not absent, as bits: a line that leaves
    /// one out still holds an id for `resolveReferences` to look up.
    private let referenceDefaults: [UInt64]

    init(policy: CompiledPolicy) {
        schema = policy.schema
        defaults = policy.defaults.map { $0.map { $0 ?? .absent } }
        required = policy.schema.records.map { record in
            guard record.fields.count <= 64 else { return UInt64.max }
            var mask: UInt64 = 0
            for (index, field) in record.fields.enumerated() where field.isRequired { mask |= 1 << UInt64(index) }
            return mask
        }
        waiverKind = policy.program.contract.waiver?.record
        referenceDefaults = policy.schema.records.indices.map { kind in
            var mask: UInt64 = 0
            for (index, field) in policy.schema.records[kind].fields.enumerated().prefix(64)
            where field.type.refersToRecord && !(policy.defaults[kind][index] ?? .absent).holdsNoID {
                mask |= 1 << UInt64(index)
            }
            return mask
        }
        // From the same dictionaries the general path looks names up in, so both find the same.
        kinds = QuotedNameTable(policy.schema.recordIndex.map { ($0.key, $0.value) })
        fields = policy.schema.records.map { record in QuotedNameTable(record.fieldIndex.map { ($0.key, $0.value) }) }
        enumerationCases = policy.schema.enumerations.map { enumeration in QuotedNameTable(enumeration.caseIndex.map { ($0.key, $0.value) }) }
    }

    /// Where a member's key and value lie in the line.
    struct Member {
        var key: Range<Int>
        var value: Range<Int>
    }

    /// The manifest on `range` of `bytes` (line `line` of `file`), or nil when the general path must read it.
    /// `members` is scratch space, reused from line to line. References to ids in `known` are
    /// resolved here, on the converting core, rather than after every file is read.
    func convert(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, line: Int, file: ManifestFileContext,
                 members: inout [Member], known: KnownRecordIDs? = nil) -> ConvertedManifest? {
        var scanner = LineScanner(bytes: bytes, index: range.lowerBound, end: range.upperBound)
        members.removeAll(keepingCapacity: true)
        guard let open = scanner.object(into: &members) else { return nil }
        var apiVersion: Range<Int>?
        var kindValue: Range<Int>?
        for member in members {
            if Self.equal(bytes, member.key, Self.apiVersionKey) {
                guard apiVersion == nil else { return nil }
                apiVersion = member.value
            } else if Self.equal(bytes, member.key, Self.kindKey) {
                guard kindValue == nil else { return nil }
                kindValue = member.value
            }
        }
        guard let apiVersion, Self.equal(bytes, apiVersion, Self.apiVersionValue),
              let kindValue, bytes[kindValue.lowerBound] == UInt8(ascii: "\""),
              let kind = kinds.value(of: bytes, kindValue),
              kind != waiverKind, required[kind] != UInt64.max else { return nil }

        let record = schema.records[kind]
        var values = defaults[kind]
        var given: UInt64 = 0
        var references: [ConvertedManifest.Reference] = []
        var idValue: Range<Int>?
        // On an ASCII line (the usual one) a column is a byte offset; otherwise continuation bytes are skipped.
        let lineIsASCII = Self.isASCII(bytes, range)
        func position(_ offset: Int) -> Position {
            if lineIsASCII { return Position(line: line, column: offset - range.lowerBound + 1) }
            var column = 1
            for index in range.lowerBound..<offset where bytes[index] & 0xC0 != 0x80 { column += 1 }
            return Position(line: line, column: column)
        }

        for member in members {
            if Self.equal(bytes, member.key, Self.apiVersionKey) || Self.equal(bytes, member.key, Self.kindKey) { continue }
            guard let field = fields[kind].value(of: bytes, member.key) else { return nil }
            let bit: UInt64 = 1 << UInt64(field)
            guard given & bit == 0 else { return nil }
            given |= bit
            if field == record.idField { idValue = member.value }
            var found: [(kind: Int, text: String, range: Range<Int>)] = []
            guard let value = read(bytes, member.value, as: record.fields[field].type, known: known, references: &found) else { return nil }
            values[field] = value
            if !found.isEmpty, references.isEmpty { references.reserveCapacity(members.count) }
            for reference in found {
                // Characters, as the general path counts them; on an ASCII line, bytes.
                let length = lineIsASCII ? reference.text.utf8.count : reference.text.count
                references.append(.init(field: field, target: reference.kind, id: reference.text,
                                        position: position(reference.range.lowerBound), length: length))
            }
        }
        guard given & required[kind] == required[kind],
              case .string(let id) = values[record.idField], !id.isEmpty, let idValue else { return nil }
        var result = ConvertedManifest(origin: file.location(position(open)))
        result.kind = kind
        result.id = id
        result.idPosition = position(idValue.lowerBound)
        result.values = values
        result.unresolvedFields = referenceDefaults[kind] & ~given
        for reference in references { result.unresolvedFields |= 1 << UInt64(reference.field) }
        result.references = references
        return result
    }

    /// A JSON value read as `type`, as ValueReader reads its document node; nil where ValueReader
    /// would report an error (or the value is one the general path should judge).
    private func read(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, as type: PlacetType, known: KnownRecordIDs?,
                      references: inout [(kind: Int, text: String, range: Range<Int>)]) -> Value? {
        let first = bytes[range.lowerBound]
        switch type {
        case .optional(let inner):
            return first == UInt8(ascii: "n") ? .absent : read(bytes, range, as: inner, known: known, references: &references)
        case .set(let element), .list(let element):
            guard first == UInt8(ascii: "[") else { return nil }
            var values: [Value] = []
            var scanner = LineScanner(bytes: bytes, index: range.lowerBound + 1, end: range.upperBound)
            while let item = scanner.arrayElement() {
                guard let value = read(bytes, item, as: element, known: known, references: &references) else { return nil }
                values.append(value)
            }
            // A set of ids is ordered once they are rows: here if every one was known, else when resolved.
            if case .set = type, !element.refersToRecord || !values.contains(where: { if case .string = $0 { true } else { false } }) {
                return Value.makeSet(values)
            }
            return .collection(values)
        case .bool:
            if first == UInt8(ascii: "t") { return .bool(true) }
            if first == UInt8(ascii: "f") { return .bool(false) }
            return nil
        case .number:
            guard first == UInt8(ascii: "-") || (first >= 48 && first <= 57),
                  let number = Double(Self.text(bytes, range.lowerBound..<range.upperBound)), number.isFinite else { return nil }
            return .number(number)
        case .string:
            guard first == UInt8(ascii: "\"") else { return nil }
            return .string(Self.text(bytes, range))
        case .date:
            guard first == UInt8(ascii: "\""), let date = CivilDate(iso: Self.text(bytes, range)) else { return nil }
            return .date(date)
        case .enumeration(let index):
            guard first == UInt8(ascii: "\""), let caseIndex = enumerationCases[index].value(of: bytes, range) else { return nil }
            return .enumCase(caseIndex)
        case .record(let kind):
            guard first == UInt8(ascii: "\"") else { return nil }
            if let known, let row = known.row(of: bytes, (range.lowerBound + 1)..<(range.upperBound - 1), kind: kind) { return .record(row) }
            let text = Self.text(bytes, range)
            guard !text.isEmpty else { return nil }
            references.append((kind, text, range))
            return .string(text)
        case .map, .valueRecord, .emptyCollection, .error:
            return nil
        }
    }

    private static let apiVersionKey = Array("\"apiVersion\"".utf8)
    private static let kindKey = Array("\"kind\"".utf8)
    private static let apiVersionValue = Array("\"placet/v1\"".utf8)

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ expected: [UInt8]) -> Bool {
        range.count == expected.count && expected.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress! + range.lowerBound, range.count) == 0 }
    }

    /// Whether every byte of `range` is ASCII, tested eight bytes at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var offset = range.lowerBound
        var highBits: UInt64 = 0
        while offset + 8 <= range.upperBound {
            highBits |= UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
            offset += 8
        }
        var tail: UInt8 = 0
        while offset < range.upperBound {
            tail |= base[offset]
            offset += 1
        }
        return highBits & 0x8080_8080_8080_8080 == 0 && tail & 0x80 == 0
    }

    /// A string token's text (without its quotes; the scanner took only strings without
    /// escapes), or a number's text.
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let inner = bytes[range.lowerBound] == UInt8(ascii: "\"") ? (range.lowerBound + 1)..<(range.upperBound - 1) : range
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[inner]), as: UTF8.self)
    }
}

/// Names found by their bytes, quotes included, as they stand in a line.
struct QuotedNameTable: Sendable {
    private let table: IDTable

    init(_ pairs: [(name: String, value: Int)]) {
        table = IDTable(pairs.map { ("\"" + $0.name + "\"", $0.value) })
    }

    /// The value of the name that `range` of `bytes` spells, quotes included.
    func value(of bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        table.value(of: bytes, range)
    }
}

/// Finds the members of one flat JSON object on a line: keys and values are strings without
/// escapes, numbers, `true`, `false`, `null` or arrays of those. Anything else stops it (nil).
private struct LineScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    let end: Int

    mutating func skipSpace() {
        while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
    }

    /// The whole line as one object; returns where its `{` is.
    mutating func object(into members: inout [DirectLineConverter.Member]) -> Int? {
        skipSpace()
        guard index < end, bytes[index] == UInt8(ascii: "{") else { return nil }
        let open = index
        index += 1
        skipSpace()
        guard index < end, bytes[index] != UInt8(ascii: "}") else { return nil }
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard index < end, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard let value = value(allowArray: true) else { return nil }
            members.append(.init(key: key, value: value))
            skipSpace()
            guard index < end else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "}") else { return nil }
            index += 1
            skipSpace()
            return index == end ? open : nil
        }
    }

    /// The next element of an array whose `[` is behind; nil at its `]`. Only called on
    /// arrays `value` has already scanned, so the syntax is known to be right.
    mutating func arrayElement() -> Range<Int>? {
        skipSpace()
        if index < end, bytes[index] == UInt8(ascii: ",") { index += 1 }
        skipSpace()
        guard index < end, bytes[index] != UInt8(ascii: "]") else { return nil }
        return value(allowArray: false)
    }

    private mutating func value(allowArray: Bool) -> Range<Int>? {
        guard index < end else { return nil }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return string()
        case UInt8(ascii: "t"): return word("true")
        case UInt8(ascii: "f"): return word("false")
        case UInt8(ascii: "n"): return word("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number()
        case UInt8(ascii: "[") where allowArray:
            index += 1
            skipSpace()
            if index < end, bytes[index] == UInt8(ascii: "]") { index += 1; return start..<index }
            while true {
                skipSpace()
                guard value(allowArray: false) != nil else { return nil }
                skipSpace()
                guard index < end else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { return nil }
                index += 1
                return start..<index
            }
        default:
            return nil
        }
    }

    /// A string with its quotes; nil for escapes and control characters (the general path decodes or rejects those).
    private mutating func string() -> Range<Int>? {
        guard index < end, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index
        index += 1
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<index
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    private mutating func word(_ word: StaticString) -> Range<Int>? {
        let start = index
        let count = word.utf8CodeUnitCount
        guard end - index >= count, memcmp(word.utf8Start, bytes.baseAddress! + index, count) == 0 else { return nil }
        index += count
        return start..<index
    }

    /// JSON's number grammar, as JSONReader reads it.
    private mutating func number() -> Range<Int>? {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() > 0 else { return nil }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        return start..<index
    }

    private mutating func digits() -> Int {
        let start = index
        while index < end, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
        return index - start
    }
}
