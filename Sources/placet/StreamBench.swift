// `placet bench --stream N`: `check --stream` measured as a pipeline runs it. The generated
// inventory's reference manifests go to a folder; N placements are generated into the child's
// standard input as it reads them (never a file on disk); its output is read and counted. Prints
// the time, placements per second and the child's peak memory (its maximum resident set).

import ArgumentParser
import Foundation
import PlacetLanguage

enum StreamBench {
    /// `--emit N`: the placements on standard output, written in 1 MiB pieces as they are generated.
    static func emit(_ count: Int) throws {
        try generate(count) { bytes in
            guard write(STDOUT_FILENO, bytes) else { throw ExitCode(2) }
        }
    }

    static func run(placements count: Int, asOf: CivilDate, policies: String?, keep: String?) throws {
        let folder = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("placet-bench-stream-\(ProcessInfo.processInfo.processIdentifier)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        try SyntheticInventory(placements: 0).writeReferences(to: folder)
        // A child that fails early closes its input: report its status instead of dying of SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        guard let executable = Bundle.main.executableURL else {
            FileHandle.standardError.write(Data("error: cannot find the placet executable to run\n".utf8))
            throw ExitCode(2)
        }
        let child = Process()
        child.executableURL = executable
        child.arguments = ["check", "--stream", "--as-of", asOf.description] + (policies.map { ["--policies", $0] } ?? []) + [folder.path]
        let input = Pipe()
        let output = Pipe()
        child.standardInput = input
        child.standardOutput = output
        print("placet bench --stream: as of \(asOf), \(ProcessInfo.processInfo.activeProcessorCount) cores; placements generated into `\(child.arguments?.joined(separator: " ") ?? "")`")
        let start = Date()
        try child.run()
        // The generator runs beside the reader: a child that stops reading must not stall the count.
        // The thread owns its own descriptor of the pipe: closing it is the child's end of input.
        let writer = dup(input.fileHandleForWriting.fileDescriptor)
        try input.fileHandleForWriting.close()
        let generator = Thread {
            try? generate(count) { bytes in
                guard write(writer, bytes) else { throw ExitCode(2) }
            }
            close(writer)
        }
        generator.start()
        var lines = 0
        var bytes = 0
        var last: [UInt8] = []
        let reader = output.fileHandleForReading
        while let chunk = try reader.read(upToCount: 1 << 20), !chunk.isEmpty {
            bytes += chunk.count
            lines += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            last = Array((last + chunk).suffix(4096))
        }
        child.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let summary = String(decoding: last.dropLast().split(separator: 0x0A).last ?? [], as: UTF8.self)
        print("placements  seconds   placements/s  output MB  lines      child peak RSS MB  exit")
        print(String(format: "%10d  %7.2f  %13.0f  %9.1f  %9d  %17.1f  %4d", count, seconds, Double(count) / seconds,
                     Double(bytes) / 1_048_576, lines, Double(usage.ru_maxrss) / 1024, child.terminationStatus))
        print(summary.prefix(200))
    }

    /// Calls `body` with the placements as JSON Lines, about 1 MiB at a time.
    private static func generate(_ count: Int, _ body: ([UInt8]) throws -> Void) throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 4096)
        try SyntheticInventory(placements: count).eachPlacement { line in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                try body(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { try body(buffer) }
    }

    /// Writes all of `bytes`; false when the reader has gone.
    private static func write(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let written = Foundation.write(descriptor, base + offset, raw.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
    }
}
