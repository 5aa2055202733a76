// FuzzContracts: what every fuzz target asserts, and what they share. A broken contract is a
// crash with a message (libFuzzer saves the input that caused it), the same as a trap would be:
// a diagnostic whose location lies outside the input it names, a decision made while an error
// diagnostic stands, a formatter whose output does not parse back to the same file.

import BaselinePack
import Foundation
import PlacetEngine
import PlacetLanguage
import PlacetManifests

public enum FuzzContract {
    /// Stops the run with the broken contract's message; libFuzzer then writes the input to
    /// `crash-…` (the message goes to standard error first).
    public static func violated(_ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        FileHandle.standardError.write(Data("contract violated: \(message())\n".utf8))
        fatalError("fuzz contract violated", file: file, line: line)
    }

    public static func require(_ condition: Bool, _ message: @autoclosure () -> String,
                               file: StaticString = #fileID, line: UInt = #line) {
        if !condition { violated(message(), file: file, line: line) }
    }

    /// Every diagnostic (and note) that names `path` points inside `bytes`: a line that exists
    /// (or the one just past a final newline, where "unexpected end of input" is reported) and
    /// a column no further than one past that line's end. Columns count characters, so a line's
    /// UTF-8 length is an upper bound whatever the counting.
    /// `otherLineBreaks`: libyaml also ends a line at a lone CR, NEL, LS and PS, and libxml2 at a
    /// lone CR, while Placet's own line table counts LF only; in an input with those, a
    /// position may be counted either way (an open finding, Fuzz/RUNS.md), so it must lie inside
    /// the input by one count or the other.
    /// `lineOnly`: ids whose positions come from libxml2, which gives line 0 for an encoding
    /// error and, after some errors, a column past the line's end (an open finding, Fuzz/RUNS.md):
    /// for those only the line is checked, and 0 is accepted.
    public static func locationsInside(_ diagnostics: [Diagnostic], path: String, bytes: [UInt8], otherLineBreaks: Bool = false,
                                       lineOnly: Set<String> = []) {
        let lines = lineLengths(bytes)
        let normalized = otherLineBreaks ? yamlNormalized(bytes) : bytes
        let otherLines = normalized.count == bytes.count && normalized == bytes ? lines : lineLengths(normalized)
        func inside(_ location: SourceLocation, _ lines: [Int]) -> Bool {
            location.line >= 1 && location.line <= lines.count && location.column >= 0
                && location.column <= lines[location.line - 1] + 1 && location.length >= 0
        }
        func check(_ location: SourceLocation?, _ what: String, id: String) {
            guard let location, location.file == path, !inside(location, lines), !inside(location, otherLines) else { return }
            if lineOnly.contains(id), location.line >= 0, location.line <= max(lines.count, otherLines.count) { return }
            let described = location.line >= 1 && location.line <= lines.count
                ? "that line is \(lines[location.line - 1]) byte(s) long" : "the input has \(lines.count) line(s)"
            violated("\(what) at \(location.line):\(location.column) (length \(location.length)), but \(described)")
        }
        for diagnostic in diagnostics {
            check(diagnostic.location, "diagnostic \(diagnostic.id) '\(diagnostic.message.prefix(200))'", id: diagnostic.id)
            for note in diagnostic.notes { check(note.location, "note of \(diagnostic.id) '\(note.message.prefix(200))'", id: diagnostic.id) }
        }
    }

    /// Every error diagnostic says where it is: a location in the input named `path`. `exempt`
    /// lists ids that are about the input as a whole (too large, too many errors).
    public static func errorsLocated(_ diagnostics: [Diagnostic], path: String, exempt: Set<String> = []) {
        for diagnostic in diagnostics where diagnostic.isError && !exempt.contains(diagnostic.id) {
            require(diagnostic.location?.file == path,
                    "error \(diagnostic.id) '\(diagnostic.message.prefix(200))' has no location in \(path) (\(String(describing: diagnostic.location?.file)))")
        }
    }

    /// The UTF-8 length of each line, split at `\n` (a `\r` before it counts, as columns may).
    static func lineLengths(_ bytes: [UInt8]) -> [Int] {
        var lengths: [Int] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lengths.append(index - start)
            start = index + 1
        }
        lengths.append(bytes.count - start)
        return lengths
    }

    /// `bytes` with YAML's other line breaks (CRLF, lone CR, NEL, LS, PS) written as LF.
    static func yamlNormalized(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D {
                out.append(0x0A)
                index += index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
            } else if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0x85 {
                out.append(0x0A)
                index += 2
            } else if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                out.append(0x0A)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    /// A libFuzzer input as bytes.
    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }
}

/// The baseline pack and the example inventory, read once per fuzzing process.
public enum FuzzFixtures {
    public static let pack: PolicyPack = {
        do { return try BaselinePack.pack() } catch { FuzzContract.violated("the bundled pack does not load: \(error)") }
    }()

    public static let baseline: CompiledPolicy = {
        let (policy, diagnostics) = CompiledPolicy.compile(pack: pack)
        guard let policy else { FuzzContract.violated("the bundled pack does not compile: \(diagnostics.map(\.message))") }
        return policy
    }()

    /// The repository root: `PLACET_ROOT`, else found from this file's path (the fuzzers are
    /// built in place from a clone).
    public static let repositoryRoot: URL = {
        if let root = ProcessInfo.processInfo.environment["PLACET_ROOT"] { return URL(fileURLWithPath: root) }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Fuzz/Sources/FuzzContracts/FuzzContracts.swift
        return url
    }()

    /// policies/examples/acme, the example inventory.
    public static let acmeDirectory = repositoryRoot.appendingPathComponent("policies/examples/acme")

    /// The example inventory's files, read once.
    public static let acmeInputs: [ManifestInput] = {
        let directory = acmeDirectory.path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            FuzzContract.violated("cannot read the example inventory at \(directory); set PLACET_ROOT")
        }
        return names.sorted().compactMap { name in
            guard ManifestFormat(path: name) != nil, let data = FileManager.default.contents(atPath: directory + "/" + name) else { return nil }
            return ManifestInput(path: "acme/" + name, bytes: [UInt8](data))
        }
    }()

    /// An evaluation date after every rule of the baseline is in force.
    public static let asOf = CivilDate(iso: "2028-01-01")!
}

/// libFuzzer, started from a target's own entry point.
public enum LibFuzzer {
    public typealias Input = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer with the process's arguments (corpus folders, `-runs=`, `-max_total_time=`...)
    /// on `input`, and returns its exit status.
    public static func run(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ input: Input) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments, input)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ input: LibFuzzer.Input) -> CInt
