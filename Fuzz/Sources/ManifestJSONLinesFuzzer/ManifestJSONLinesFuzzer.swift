// fuzz-manifest-jsonl: manifest bytes as a .jsonl file, through the JSON Lines reader (one manifest per line, read in parallel), into records checked
// against the bundled baseline schema. The contract is ManifestFuzzing's: errors inside the
// input, nothing decided while one stands, one decision per placement otherwise.

import FuzzContracts
import PlacetManifests

/// The executable's entry point (SwiftPM links `main` to it): libFuzzer, running the function below.
@_cdecl("fuzz_manifest_jsonl_main")
public func fuzzManifestJSONLinesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, fuzzManifestJSONLines)
}

/// One input.
func fuzzManifestJSONLines(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    ManifestFuzzing.run(FuzzContract.bytes(data, size), format: .jsonl)
    return 0
}
