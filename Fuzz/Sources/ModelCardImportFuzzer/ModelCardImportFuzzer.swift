// fuzz-import-model-card: a Hugging Face model card (README.md with YAML front matter), as
// `placet import hf-model-card` reads it, with ImportFuzzing's contract on the refusal or the
// Model draft.

import Foundation
import FuzzContracts
import PlacetManifests

/// The executable's entry point (SwiftPM links `main` to it): libFuzzer, running the function below.
@_cdecl("fuzz_import_model_card_main")
public func fuzzModelCardImportMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, fuzzModelCardImport)
}

/// One input.
func fuzzModelCardImport(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = FuzzContract.bytes(data, size)
    do {
        ImportFuzzing.drafted(try ModelCardImporter.draft(from: String(decoding: bytes, as: UTF8.self), hints: ImportFuzzing.hints).draft)
    } catch {
        // The importer reads the text decoded from these bytes, and counts a lone CR as a line
        // break (as editors do): positions are in that text, with its line breaks as LF.
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
        ImportFuzzing.refused(error, input: Array(text.utf8))
    }
    return 0
}
