// When output may be coloured: never for NO_COLOR (https://no-color.org: present *and not
// empty*) or TERM=dumb; the caller adds "and only on a terminal".

public enum ColorPolicy {
    public static func allowsColor(environment: [String: String]) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }
}
