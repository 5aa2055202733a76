// JSON string quoting, which copies a string that needs no escape as one block: every byte that
// needs an escape gets it, wherever it falls, and the result reads back as the original text.

import Foundation
import PlacetReports
import Testing
@testable import placet  // SplitMix64, the benchmarks' generator

@Suite struct JSONQuotingTests {
    /// The escaping written out byte by byte: what the word-at-a-time writer must equal.
    static func reference(_ value: String) -> [UInt8] {
        var output: [UInt8] = [0x22]
        let hex = Array("0123456789abcdef".utf8)
        for byte in value.utf8 {
            switch byte {
            case 0x22: output += [0x5C, 0x22]
            case 0x5C: output += [0x5C, 0x5C]
            case 0x0A: output += [0x5C, UInt8(ascii: "n")]
            case 0x0D: output += [0x5C, UInt8(ascii: "r")]
            case 0x09: output += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20: output += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
        output.append(0x22)
        return output
    }

    /// Each character that needs an escape, and a few that do not (0x1F's neighbours, multi-byte
    /// scalars whose bytes are above 0x7F), at every offset of strings of 0 to 24 bytes.
    static let specials: [String] = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", " ", "!", "#", "[", "]", "\u{7F}", "é", "€", "𝄞"]

    @Test(arguments: specials)
    func everyEscapeAtEveryOffset(_ special: String) throws {
        for length in 0...24 {
            for offset in 0...length {
                let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: length - offset)
                var output: [UInt8] = []
                JSONWriter.appendQuoted(text, to: &output)
                #expect(output == Self.reference(text), "\(text.debugDescription)")
                let decoded = try JSONSerialization.jsonObject(with: Data(output), options: .fragmentsAllowed) as? String
                #expect(decoded == text)
            }
        }
    }

    @Test func randomTextQuotesAsWrittenByteByByte() {
        var generator = SplitMix64(seed: 2026)
        func below(_ bound: Int) -> Int { Int(generator.next() % UInt64(bound)) }
        let alphabet = Array("abc \"\\\n\r\t\u{0}\u{8}\u{1B}é€𝄞{}:,")
        for _ in 0..<2_000 {
            let text = String((0..<below(41)).map { _ in alphabet[below(alphabet.count)] })
            var output: [UInt8] = []
            JSONWriter.appendQuoted(text, to: &output)
            #expect(output == Self.reference(text), "\(text.debugDescription)")
        }
    }
}
