// How the format of manifest bytes is chosen: given, from the file's extension, or from how the
// bytes start.

extension ManifestFormat {
    /// The input's format if given, else its path's; a file named on the command line with
    /// another extension is JSON if it looks like JSON, else YAML. (Standard input is
    /// `sniff`ed instead, before it gets here.)
    static func detect(_ input: ManifestInput) -> ManifestFormat {
        if let format = input.format ?? ManifestFormat(path: input.path) { return format }
        let first = input.bytes.first { !blank.contains($0) }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .json : .yaml
    }

    /// Space, tab, line feed and carriage return: skipped before the first significant byte.
    private static let blank: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]

    /// The format of bytes with no file name, from how they start: `<` is XML (never YAML),
    /// `{` or `[` JSON, and several lines each holding one `{...}` object JSON Lines.
    public static func sniff(_ bytes: [UInt8]) -> ManifestFormat {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let first = bytes.first(where: { !blank.contains($0) }) else { return .yaml }
        switch first {
        case UInt8(ascii: "<"): return .xml
        case UInt8(ascii: "["): return .json
        case UInt8(ascii: "{"):
            let lines = bytes.split(separator: 0x0A).map { $0.filter { !blank.contains($0) } }.filter { !$0.isEmpty }
            let oneObjectPerLine = lines.count > 1 && lines.allSatisfy { $0.first == UInt8(ascii: "{") && $0.last == UInt8(ascii: "}") }
            return oneObjectPerLine ? .jsonl : .json
        default: return .yaml
        }
    }
}
