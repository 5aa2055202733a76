// The formatter's view of a file's tokens: where the keywords and brackets are that the syntax
// tree does not record (clause words, closing brackets, string ends).

/// A file's tokens, for finding the keywords and brackets the syntax tree does not record.
struct SourceTokens {
    let tokens: [Token]

    /// The first token starting at or after `offset` (the end-of-file token if none).
    func first(atOrAfter offset: Int) -> Token {
        tokens[indexOfFirst(atOrAfter: offset)]
    }

    func first(atOrAfter offset: Int, kind: TokenKind) -> Token {
        var index = indexOfFirst(atOrAfter: offset)
        while index < tokens.count - 1, tokens[index].kind != kind { index += 1 }
        return tokens[index]
    }

    /// The last token ending at or before `offset` (the first token if none).
    func last(endingAtOrBefore offset: Int) -> Token {
        tokens[indexOfLast(endingAtOrBefore: offset)]
    }

    /// The source ranges of the outermost string literals, quote to quote.
    var stringRanges: [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < tokens.count {
            if tokens[index].kind == .stringStart {
                let end = endOfString(from: index)
                ranges.append(tokens[index].span.start..<tokens[end].span.end)
                index = end
            }
            index += 1
        }
        return ranges
    }

    /// The index of the `stringEnd` that closes the string opened at `start`.
    private func endOfString(from start: Int) -> Int {
        var nesting = 0
        for index in start..<tokens.count {
            switch tokens[index].kind {
            case .stringStart: nesting += 1
            case .stringEnd:
                nesting -= 1
                if nesting == 0 { return index }
            default: break
            }
        }
        return tokens.count - 1
    }

    func last(endingAtOrBefore offset: Int, kind: TokenKind) -> Token {
        var index = indexOfLast(endingAtOrBefore: offset)
        while index > 0, tokens[index].kind != kind { index -= 1 }
        return tokens[index]
    }

    private func indexOfFirst(atOrAfter offset: Int) -> Int {
        var low = 0, high = tokens.count - 1
        while low < high {
            let mid = (low + high) / 2
            if tokens[mid].span.start >= offset { high = mid } else { low = mid + 1 }
        }
        return low
    }

    private func indexOfLast(endingAtOrBefore offset: Int) -> Int {
        var low = 0, high = tokens.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if tokens[mid].span.end <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// `cites "a", "b"` inside a rule: the word `cites` followed by a string can only be the clause.
    func citesClause(in range: Range<Int>) -> Range<Int>? {
        var index = indexOfFirst(atOrAfter: range.lowerBound)
        while index + 1 < tokens.count, tokens[index].span.start < range.upperBound {
            if tokens[index].kind == .identifier(RuleClause.cites.rawValue), tokens[index + 1].kind == .stringStart {
                var last = endOfString(from: index + 1)
                while last + 2 < tokens.count, tokens[last + 1].kind == .symbol(.comma), tokens[last + 2].kind == .stringStart {
                    last = endOfString(from: last + 2)
                }
                return tokens[index].span.start..<tokens[last].span.end
            }
            index += 1
        }
        return nil
    }

    /// `effective 2027-12-02` inside a rule: the word followed by a date can only be the clause.
    func effectiveClause(in range: Range<Int>) -> Range<Int>? {
        var index = indexOfFirst(atOrAfter: range.lowerBound)
        while index + 1 < tokens.count, tokens[index].span.start < range.upperBound {
            if tokens[index].kind == .identifier(RuleClause.effective.rawValue), case .date = tokens[index + 1].kind {
                return tokens[index].span.start..<tokens[index + 1].span.end
            }
            index += 1
        }
        return nil
    }
}
