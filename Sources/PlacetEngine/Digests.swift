// SHA-256 digests for evidence: policy sources and input files are identified by content.

import Crypto

public enum Digests {
    public static func sha256(_ bytes: [UInt8]) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
