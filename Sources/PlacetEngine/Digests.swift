// SHA-256 digests for evidence: policy sources and input files are identified by content.

import Crypto

public enum Digests {
    public static func sha256(_ bytes: [UInt8]) -> String {
        text(of: SHA256.hash(data: bytes))
    }

    /// `sha256:` and the digest in lower-case hex, written byte by byte: a string per byte,
    /// joined, was a fifth of the time `verify-log` took, which hashes every record.
    static func text(of digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = Array("sha256:".utf8)
        hex.reserveCapacity(7 + 2 * SHA256.Digest.byteCount)
        for byte in digest {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
