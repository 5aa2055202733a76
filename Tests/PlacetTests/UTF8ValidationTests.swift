// The UTF-8 check manifests pass first, which skips ASCII eight bytes at a time: the offset of
// the first ill-formed byte wherever it falls against a word, and none for well-formed text.

@testable import PlacetManifests
import Testing

@Suite struct UTF8ValidationTests {
    /// Ill-formed sequences: a lone continuation, bytes that never occur, overlong forms, a
    /// surrogate, a scalar past U+10FFFF, and multi-byte forms cut short.
    static let illFormed: [[UInt8]] = [
        [0x80], [0xBF], [0xFF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
        [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9D, 0x84], [0xC3],
    ]

    @Test(arguments: illFormed)
    func firstIllFormedByteAtEveryOffset(_ sequence: [UInt8]) {
        for length in 0...24 {
            for offset in 0...length {
                // ASCII around it, and a well-formed multi-byte scalar before it in the second form.
                let plain = Array(repeating: UInt8(ascii: "a"), count: offset) + sequence + Array(repeating: UInt8(ascii: "b"), count: length - offset)
                #expect(UTF8Validation.firstInvalidOffset(in: plain) == offset, "\(sequence) at \(offset) of \(plain.count)")
                let afterScalar = Array("é".utf8) + plain
                #expect(UTF8Validation.firstInvalidOffset(in: afterScalar) == offset + 2)
            }
        }
    }

    @Test(arguments: ["", "a", "é", "€", "𝄞", "\u{7F}", "\u{10FFFF}"])
    func wellFormedTextHasNoOffset(_ scalar: String) {
        for length in 0...24 {
            for offset in 0...length {
                let text = String(repeating: "a", count: offset) + scalar + String(repeating: "b", count: length - offset)
                #expect(UTF8Validation.firstInvalidOffset(in: Array(text.utf8)) == nil, "\(text.debugDescription)")
            }
        }
    }
}
