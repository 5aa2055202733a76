// BaselinePack: the baseline policy pack, compiled into the binary from the repository's
// policies/ by the EmbedPolicies build-tool plugin, so an installed `placet` needs no
// resource bundle and no build folder to find its rules.

import Foundation
import PlacetEngine

public enum BaselinePack {
    /// Every embedded file by path relative to policies/.
    public static let files: [String: [UInt8]] = {
        var files: [String: [UInt8]] = [:]
        for (path, base64) in EmbeddedPolicyFiles.files {
            // PANIC SAFETY: PolicyEmbedder wrote this text with base64EncodedString at build time.
            files[path] = [UInt8](Data(base64Encoded: base64)!)
        }
        return files
    }()

    /// The embedded pack.
    public static func pack() throws -> PolicyPack {
        try PolicyPack(bundled: files)
    }
}
