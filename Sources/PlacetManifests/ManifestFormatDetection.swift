// How the format of a named manifest file is chosen: given, from its extension, or from its first byte.

extension ManifestFormat {
    /// The input's format if given, else its path's; a file named on the command line with
    /// another extension is JSON if it looks like JSON, else YAML. (Standard input is
    /// `sniff`ed instead, before it gets here.)
    static func detect(_ input: ManifestInput) -> ManifestFormat {
        if let format = input.format ?? ManifestFormat(path: input.path) { return format }
        let first = input.bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .json : .yaml
    }
}
