// fuzz-manifest-yaml: manifest bytes as a .yaml file, through the YAML reader (Yams, with its alias and depth limits), into records checked
// against the bundled baseline schema. The contract is ManifestFuzzing's: errors inside the
// input, nothing decided while one stands, one decision per placement otherwise.

import FuzzContracts
import PlacetManifests

/// The executable's entry point (SwiftPM links `main` to it): libFuzzer, running the function below.
@_cdecl("fuzz_manifest_yaml_main")
public func fuzzManifestYAMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, fuzzManifestYAML)
}

/// One input.
func fuzzManifestYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    ManifestFuzzing.run(FuzzContract.bytes(data, size), format: .yaml)
    return 0
}
