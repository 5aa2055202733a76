// How the libxml2 linked counts lines, so Placet's XML line table counts the same.

extension XMLDocument {
    /// Whether libxml2 ends a line at a lone CR. XML 1.0 §2.11 makes a lone CR a line end, but
    /// libxml2 2.9 counts LF only (its columns run on past a lone CR); found once, by parsing a
    /// document whose one line break is a lone CR, rather than assumed from a version number.
    public static let countsLoneCarriageReturn: Bool = {
        guard let document = try? XMLDocument(parsing: Array("<a>\r<b/></a>".utf8), url: "line-break-probe.xml"),
              let element = document.root?.children.first else { return false }
        return element.line == 2
    }()
}
