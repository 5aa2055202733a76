// fuzz-manifest-xml: manifest bytes as a .xml file, through libxml2 and the XSD generated from the schema, into records checked
// against the bundled baseline schema. The contract is ManifestFuzzing's: errors inside the
// input, nothing decided while one stands, one decision per placement otherwise.

import FuzzContracts
import PlacetManifests

/// The executable's entry point (SwiftPM links `main` to it): libFuzzer, running the function below.
@_cdecl("fuzz_manifest_xml_main")
public func fuzzManifestXMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, fuzzManifestXML)
}

/// One input.
func fuzzManifestXML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    ManifestFuzzing.run(FuzzContract.bytes(data, size), format: .xml)
    return 0
}
