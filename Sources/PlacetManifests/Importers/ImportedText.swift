// Text as the importers' sources write it, made fit for a manifest: line endings of either kind,
// HTML character references (catalogue pages escape names), and ids made from names in any
// script that has a Latin reading.

import Foundation

/// The lines of `text`, split at LF, CRLF or CR. A String treats "\r\n" as one Character, so
/// splitting on "\n" alone would leave a CRLF file as one line.
func importedLines(_ text: String) -> [Substring] {
    text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
}

/// `text` with HTML character references (`&lt;`, `&#233;`, `&#xE9;`) replaced by what they
/// stand for; an unknown or malformed reference is left as written.
func decodingHTMLEntities(_ text: String) -> String {
    guard text.contains("&") else { return text }
    let named: [Substring: String] = ["lt": "<", "gt": ">", "amp": "&", "quot": "\"", "apos": "'", "nbsp": " "]
    var out = ""
    var rest = Substring(text)
    while let ampersand = rest.firstIndex(of: "&") {
        out += rest[..<ampersand]
        let afterAmpersand = rest.index(after: ampersand)
        guard let semicolon = rest[afterAmpersand...].prefix(10).firstIndex(of: ";") else {
            out += "&"
            rest = rest[afterAmpersand...]
            continue
        }
        let name = rest[afterAmpersand..<semicolon]
        var decoded: String?
        if let text = named[name] {
            decoded = text
        } else if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            decoded = value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
        if let decoded {
            out += decoded
            rest = rest[rest.index(after: semicolon)...]
        } else {
            out += "&"
            rest = rest[afterAmpersand...]
        }
    }
    return out + rest
}

/// Letters that carry no combining mark to strip but have a usual Latin spelling.
private let latinSpellings: [Character: String] = [
    "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ß": "ss", "ẞ": "ss", "œ": "oe", "Œ": "oe",
    "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th",
    "ħ": "h", "Ħ": "h", "ı": "i", "ŋ": "ng", "Ŋ": "ng",
]

/// `text` in ASCII where it has a Latin reading: accents stripped (canonical decomposition,
/// combining marks dropped) and the letters in `latinSpellings` spelled out.
func transliterated(_ text: String) -> String {
    var spelled = ""
    for character in text {
        spelled += latinSpellings[character] ?? String(character)
    }
    let decomposed = spelled.decomposedStringWithCanonicalMapping.unicodeScalars
        .filter { $0.properties.generalCategory != .nonspacingMark }
    return String(String.UnicodeScalarView(decomposed))
}

/// Lower-case letters, digits and single hyphens: an id from a name. HTML character references
/// are decoded first (so `&lt;script&gt;` gives `script`, not `lt-script-gt`) and letters are
/// transliterated (`bokmål` gives `bokmal`, `straße` gives `strasse`).
func slug(_ text: String) -> String {
    var out = ""
    for character in transliterated(decodingHTMLEntities(text)).lowercased() {
        if character.isASCII, character.isLetter || character.isNumber {
            out.append(character)
        } else if !out.isEmpty, out.last != "-" {
            out.append("-")
        }
    }
    while out.last == "-" { out.removeLast() }
    return out.isEmpty ? "unnamed" : out
}

/// A licence as one string: its name, and where it is published in parentheses when the source
/// gives both (`glm-4 (https://…/LICENSE)`). The schema has one `license` string and no place for
/// a link, so both go there rather than one being dropped.
func licenseText(name: String?, link: String?) -> String? {
    switch (name.flatMap { $0.isEmpty ? nil : $0 }, link.flatMap { $0.isEmpty ? nil : $0 }) {
    case let (name?, link?): name == link ? name : "\(name) (\(link))"
    case let (name?, nil): name
    case let (nil, link?): link
    case (nil, nil): nil
    }
}
