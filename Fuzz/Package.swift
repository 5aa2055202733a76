// swift-tools-version: 6.1
// Fuzz: Placet's libFuzzer targets, one executable per entry point an attacker or a typo can
// reach (policy source, manifest bytes in each format, a decision log, the importers, the
// server's request bodies, the language server's input stream). A separate package so the
// fuzzing flags never reach the normal build: `Fuzz/run.sh` builds it with
// `-sanitize=fuzzer,address` into Fuzz/.build and runs each target from the committed corpus
// (Fuzz/corpus/TARGET) with its dictionary (Fuzz/dictionaries).
// Each target asserts the contract (diagnostics inside the input, nothing approved while an
// error stands, formatter output re-parses unchanged), not only "no crash".
import PackageDescription

// libFuzzer runs each target: the fuzz executables link libFuzzer without its `main`
// (libclang_rt.fuzzer_no_main, which run.sh finds in the toolchain and passes as
// PLACET_LIBFUZZER) and start it from their own entry point with LLVMFuzzerRunDriver
// (FuzzContracts' `LibFuzzer.run`). SwiftPM's debug builds link an executable's `main` to its
// module's `<module>_main`, and `-sanitize=fuzzer` would link a second `main` (libFuzzer's), into
// the build-tool executable that embeds policies/ as well. So run.sh builds everything, the
// libraries under test included, with AddressSanitizer and the coverage instrumentation that
// `-sanitize=fuzzer` adds (`-sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table`),
// and only these targets link libFuzzer.
let libFuzzer = Context.environment["PLACET_LIBFUZZER"] ?? "libclang_rt.fuzzer_no_main-x86_64.a"
let fuzzTarget: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
let fuzzLink: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "--whole-archive", "-Xlinker", libFuzzer, "-Xlinker", "--no-whole-archive", "-lstdc++"]),
]

let package = Package(
    name: "PlacetFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Placet", path: "..")],
    targets: [
        // What every target asserts, and the inputs they share (the baseline pack, compiled once).
        .target(
            name: "FuzzContracts",
            dependencies: [
                .product(name: "PlacetLanguage", package: "Placet"),
                .product(name: "PlacetEngine", package: "Placet"),
                .product(name: "PlacetManifests", package: "Placet"),
                .product(name: "PlacetReports", package: "Placet"),
                .product(name: "BaselinePack", package: "Placet"),
            ]),
        .executableTarget(name: "fuzz-policy", dependencies: ["FuzzContracts"], path: "Sources/PolicySourceFuzzer", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-manifest-yaml", dependencies: ["FuzzContracts"], path: "Sources/ManifestYAMLFuzzer", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-manifest-json", dependencies: ["FuzzContracts"], path: "Sources/ManifestJSONFuzzer", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-manifest-jsonl", dependencies: ["FuzzContracts"], path: "Sources/ManifestJSONLinesFuzzer", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-manifest-xml", dependencies: ["FuzzContracts"], path: "Sources/ManifestXMLFuzzer", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-verify-log", dependencies: ["FuzzContracts"], path: "Sources/DecisionLogFuzzer", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-import-croissant", dependencies: ["FuzzContracts"], path: "Sources/CroissantImportFuzzer", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-import-model-card", dependencies: ["FuzzContracts"], path: "Sources/ModelCardImportFuzzer", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
        .executableTarget(
            name: "fuzz-server",
            dependencies: ["FuzzContracts", .product(name: "PlacetServer", package: "Placet")],
            path: "Sources/ServerRequestFuzzer", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
        .executableTarget(
            name: "fuzz-lsp-framing",
            dependencies: ["FuzzContracts", .product(name: "PlacetLanguageServer", package: "Placet")],
            path: "Sources/LanguageServerFramingFuzzer", swiftSettings: fuzzTarget, linkerSettings: fuzzLink),
    ]
)
