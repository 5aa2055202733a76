// fuzz-manifest-json: manifest bytes as a .json file, through the JSON reader, into records checked
// against the bundled baseline schema. The contract is ManifestFuzzing's: errors inside the
// input, nothing decided while one stands, one decision per placement otherwise.

import FuzzContracts
import PlacetManifests

/// The executable's entry point (SwiftPM links `main` to it): libFuzzer, running the function below.
@_cdecl("fuzz_manifest_json_main")
public func fuzzManifestJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, fuzzManifestJSON)
}

/// One input.
func fuzzManifestJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    ManifestFuzzing.run(FuzzContract.bytes(data, size), format: .json)
    return 0
}
