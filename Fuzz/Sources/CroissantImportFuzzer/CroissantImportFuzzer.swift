// fuzz-import-croissant: a Croissant (JSON-LD) file, as `placet import croissant` reads it,
// with ImportFuzzing's contract on the refusal or the Dataset draft.

import FuzzContracts
import PlacetManifests

/// The executable's entry point (SwiftPM links `main` to it): libFuzzer, running the function below.
@_cdecl("fuzz_import_croissant_main")
public func fuzzCroissantImportMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, fuzzCroissantImport)
}

/// One input.
func fuzzCroissantImport(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = FuzzContract.bytes(data, size)
    do {
        ImportFuzzing.drafted(try CroissantImporter.draft(from: bytes, hints: ImportFuzzing.hints))
    } catch {
        ImportFuzzing.refused(error, input: bytes)
    }
    return 0
}
