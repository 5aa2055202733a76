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

    /// Every diagnostic (and note) that names `path` points inside `bytes`, counted with the line
    /// breaks of its format (`lineBreaks`, as `ManifestFormat.lineBreaks` gives them): a line
    /// that exists (or the one just past a final line break, where "unexpected end of input" is
    /// reported), a column no further than one past that line's last Unicode scalar (columns
    /// count characters or scalars, never more), and a quoted source line that is that line.
    public static func locationsInside(_ diagnostics: [Diagnostic], path: String, bytes: [UInt8], lineBreaks: LineBreaks = .lineFeed) {
        let lines = FuzzLines(bytes, breaks: lineBreaks)
        func check(_ location: SourceLocation?, _ what: String) {
            guard let location, location.file == path else { return }
            let at = "\(what) at \(location.line):\(location.column) (length \(location.length))"
            guard location.line >= 1, location.line <= lines.count else {
                violated("\(at), but the input has \(lines.count) line(s) (\(lineBreaks))")
            }
            let line = lines[location.line - 1]
            require(location.column >= 0 && location.column <= line.scalars + 1 && location.length >= 0,
                    "\(at), but that line is \(line.scalars) character(s) long (\(lineBreaks))")
            if let quoted = location.sourceLine {
                require(quoted == line.quoted, "\(at) quotes \(quoted.debugDescription), but that line is \(line.quoted.debugDescription)")
            }
        }
        for diagnostic in diagnostics {
            check(diagnostic.location, "diagnostic \(diagnostic.id) '\(diagnostic.message.prefix(200))'")
            for note in diagnostic.notes { check(note.location, "note of \(diagnostic.id) '\(note.message.prefix(200))'") }
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
