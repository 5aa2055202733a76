// `placet fmt`'s library: one canonical layout for a policy file, comments kept.
//
//   - two-space indentation, one blank line between declarations;
//   - records one field per line; enum cases and long collection literals filled to the line
//     limit; rule clauses one per line in the order effect, cites, effective, for each, when,
//     subject, message;
//   - expressions with the fewest parentheses precedence allows; a line that would pass the
//     limit breaks before each top-level `and` / `or` (or `else`), 4 spaces further in;
//   - a comment on a line of its own stays above the item it preceded (blank lines between
//     comments above a declaration are kept); a trailing comment stays at the end of its line,
//     aligned with the trailing comments on the lines next to it.
//
// The layout is printed from the syntax tree, then parsed again: if the tree or the comments
// came out different, the file is refused rather than changed.

public enum PolicyFormatter {
    public static let lineLimit = 100

    /// The file in canonical layout, or nil and the diagnostics when it does not parse.
    public static func format(_ source: SourceFile) -> (text: String?, diagnostics: [Diagnostic]) {
        let (file, comments, diagnostics) = Parser.parseKeepingComments(source, fileID: 0)
        guard !diagnostics.contains(where: \.isError) else { return (nil, diagnostics) }
        var lexer = Lexer(source: source, fileID: 0)
        let tokens = SourceTokens(tokens: lexer.tokenize())
        // A `#` inside `{...}` in a string is a comment to the parser, but a layout printed from
        // the tree has nowhere to keep it.
        let strings = tokens.stringRanges
        let inStrings = comments.filter { comment in strings.contains { $0.contains(comment.offset) } }
        guard inStrings.isEmpty else {
            return (nil, inStrings.map { comment in
                Diagnostic(
                    id: "format.commentInString",
                    message: "a comment inside a string interpolation cannot be kept when formatting; move it out of the string",
                    location: source.location(of: comment.span))
            })
        }
        let text = layout(file, comments: comments, tokens: tokens, source: source)

        // Comments are compared as a multiset: those of rule clauses move with their clause.
        let (again, againComments, againDiagnostics) = Parser.parseKeepingComments(SourceFile(path: source.path, text: text), fileID: 0)
        let unchanged = !againDiagnostics.contains(where: \.isError)
            && SyntaxOutline.describe(again) == SyntaxOutline.describe(file)
            && againComments.map(LayoutRenderer.commentText).sorted() == comments.map(LayoutRenderer.commentText).sorted()
        guard unchanged else {
            let diagnostic = Diagnostic(
                id: "format.unsafe",
                message: "cannot format this file without changing its meaning or its comments; it is left as it is (a formatter bug: please report it)",
                location: SourceLocation(file: source.path, line: 1, column: 0))
            return (nil, [diagnostic])
        }
        return (text, [])
    }

    static func layout(_ file: PolicyFileSyntax, comments: [SourceComment], tokens: SourceTokens, source: SourceFile) -> String {
        let builder = LayoutBuilder(lineLimit: lineLimit, tokens: tokens, comments: comments)
        var root = LayoutItem(range: 0..<(source.bytes.count + 1), header: "", headerEnd: 0)
        root.children = file.declarations.map(builder.declaration)
        CommentPlacement(tokens: tokens).place(comments, in: &root)

        var renderer = LayoutRenderer(lineLimit: lineLimit)
        for (index, var declaration) in root.children.enumerated() {
            if index > 0 { renderer.append(.blank) }
            renderCommentBlock(declaration.leading, before: declaration.range.lowerBound, source: source, into: &renderer)
            declaration.leading = []
            renderer.render(declaration, indent: 0)
        }
        if !root.dangling.isEmpty {
            if !root.children.isEmpty { renderer.append(.blank) }
            renderCommentBlock(root.dangling, before: nil, source: source, into: &renderer)
        }
        return renderer.text()
    }

    /// Comments on lines of their own at the top level, keeping one blank line where the source
    /// had any between two of them or between the last and the declaration.
    private static func renderCommentBlock(_ comments: [SourceComment], before next: Int?, source: SourceFile,
                                           into renderer: inout LayoutRenderer) {
        for (index, comment) in comments.enumerated() {
            if index > 0, blankLine(between: comments[index - 1].span.end, and: comment.offset, in: source) {
                renderer.append(.blank)
            }
            renderer.append(.comment(comment, indent: 0))
        }
        if let last = comments.last, let next, blankLine(between: last.span.end, and: next, in: source) {
            renderer.append(.blank)
        }
    }

    private static func blankLine(between start: Int, and end: Int, in source: SourceFile) -> Bool {
        guard start < end else { return false }
        return source.bytes[start..<min(end, source.bytes.count)].lazy.filter { $0 == UInt8(ascii: "\n") }.count >= 2
    }
}
