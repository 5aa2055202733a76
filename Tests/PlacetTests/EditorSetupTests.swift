// The editor set-up in editors/: the TextMate grammar and the VS Code manifest are valid JSON
// that point at each other, the grammar knows the language's words, and every configuration
// starts `placet lsp`.

import Foundation
import PlacetLanguageServer
import Testing

@Suite struct EditorSetupTests {
    static let editors = Fixtures.packageRoot.appendingPathComponent("editors")

    func json(_ path: String) throws -> JSONValue {
        let data = try Data(contentsOf: Self.editors.appendingPathComponent(path))
        return try JSONParser.parse([UInt8](data))
    }

    @Test func grammarIsValidAndCoversTheLanguage() throws {
        let grammar = try json("vscode/syntaxes/placet.tmLanguage.json")
        #expect(grammar["scopeName"]?.string == "source.placet")
        #expect(grammar["fileTypes"] == ["placet"])
        let text = grammar.serialized()
        let words = ["rule", "def", "const", "record", "enum", "effect", "unwaivable", "cites", "effective", "when", "subject",
                     "message", "required", "union", "intersect", "except", "some", "all", "present", "absent"]
        for word in words { #expect(text.contains(word), "the grammar does not know '\(word)'") }
        // Every pattern is a regular expression Foundation accepts (Oniguruma is stricter still).
        func patterns(_ value: JSONValue) -> [String] {
            switch value {
            case .object(let members): members.flatMap { key, member in
                (key == "match" || key == "begin" || key == "end") ? [member.string].compactMap { $0 } : patterns(member) }
            case .array(let items): items.flatMap(patterns)
            default: []
            }
        }
        let all = patterns(grammar)
        #expect(all.count > 10)
        for pattern in all { #expect(throws: Never.self) { try NSRegularExpression(pattern: pattern) } }
    }

    @Test func vsCodeManifestStartsTheServerWithTheGrammar() throws {
        let manifest = try json("vscode/package.json")
        let grammarPath = try #require(manifest["contributes"]?["grammars"]?[0]?["path"]?.string)
        #expect(FileManager.default.fileExists(atPath: Self.editors.appendingPathComponent("vscode").appendingPathComponent(grammarPath).path))
        #expect(manifest["contributes"]?["languages"]?[0]?["extensions"] == [".placet"])
        _ = try json("vscode/language-configuration.json")
        let client = try String(contentsOf: Self.editors.appendingPathComponent("vscode/extension.js"), encoding: .utf8)
        #expect(client.contains(#"args: ["lsp"]"#))
    }

    @Test(arguments: ["neovim/placet.lua", "helix/languages.toml"])
    func configurationStartsPlacetLSP(_ path: String) throws {
        let text = try String(contentsOf: Self.editors.appendingPathComponent(path), encoding: .utf8)
        #expect(text.contains(#"{ "placet", "lsp" }"#) || text.contains("command = \"placet\"\nargs = [\"lsp\"]"))
    }
}
