// Where each comment goes in the layout. A comment on a line of its own belongs above the item
// that starts with the token after it; a trailing comment belongs at the end of the line that
// prints the token before it. Both are found by walking down the layout by source range, so a
// comment moves with its item when rule clauses are put in order, and formatting twice puts
// every comment back in the same place.

struct CommentPlacement {
    let tokens: SourceTokens

    /// Attaches every comment to `root`, whose children are the file's declarations and whose
    /// range covers the whole file, end-of-file token included.
    func place(_ comments: [SourceComment], in root: inout LayoutItem) {
        for comment in comments {
            if comment.isTrailing {
                let previous = tokens.last(endingAtOrBefore: comment.offset)
                placeTrailing(comment, after: previous, in: &root, isRoot: true)
            } else {
                let next = tokens.first(atOrAfter: comment.span.end)
                placeLeading(comment, before: next.span.start, in: &root, isRoot: true)
            }
        }
    }

    private func placeLeading(_ comment: SourceComment, before offset: Int, in item: inout LayoutItem, isRoot: Bool) {
        if let index = item.children.firstIndex(where: { $0.range.lowerBound == offset }) {
            item.children[index].leading.append(comment)
            return
        }
        if let index = item.children.firstIndex(where: { $0.range.contains(offset) }) {
            if offset < item.children[index].headerEnd {
                item.children[index].leading.append(comment)
            } else {
                placeLeading(comment, before: offset, in: &item.children[index], isRoot: false)
            }
            return
        }
        // Before a separator or closing bracket of this item, not inside any child.
        if let index = Self.firstChild(of: item, startingAfter: offset) {
            item.children[index].leading.append(comment)
        } else if item.closing != nil || isRoot {
            item.dangling.append(comment)
        } else if let index = Self.lastChild(of: item, startingAtOrBefore: offset) {
            // No closing line to sit above (a broken parenthesised chain's `)`): above the last child.
            item.children[index].leading.append(comment)
        } else {
            item.leading.append(comment)
        }
    }

    private func placeTrailing(_ comment: SourceComment, after token: Token, in item: inout LayoutItem, isRoot: Bool) {
        let offset = token.span.start
        if let index = item.children.firstIndex(where: { $0.range.contains(offset) }) {
            if offset < item.children[index].headerEnd {
                item.children[index].headerTrailing.append(comment)
            } else {
                placeTrailing(comment, after: token, in: &item.children[index], isRoot: false)
            }
            return
        }
        if !isRoot, item.closing != nil, token.span.end == item.range.upperBound {
            item.trailing.append(comment)
        } else if let index = Self.lastChild(of: item, startingAtOrBefore: offset) {
            item.children[index].trailing.append(comment)
        } else if isRoot {
            item.dangling.append(comment)
        } else {
            item.headerTrailing.append(comment)
        }
    }

    private static func firstChild(of item: LayoutItem, startingAfter offset: Int) -> Int? {
        item.children.indices.filter { item.children[$0].range.lowerBound > offset }
            .min { item.children[$0].range.lowerBound < item.children[$1].range.lowerBound }
    }

    private static func lastChild(of item: LayoutItem, startingAtOrBefore offset: Int) -> Int? {
        item.children.indices.filter { item.children[$0].range.lowerBound <= offset }
            .max { item.children[$0].range.lowerBound < item.children[$1].range.lowerBound }
    }
}
