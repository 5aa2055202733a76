// SHA-256 over input that is never held whole (the placement stream of `check --stream`),
// in the same `sha256:…` form as `Digests.sha256`, so a stream's digest equals its file's.

import Crypto

public struct StreamingDigest {
    private var hasher = SHA256()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    public func finalize() -> String {
        Digests.text(of: hasher.finalize())
    }
}
