// How every command reads a folder: recursively, through linked folders, hidden names passed over.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum FolderFiles {
    /// What a folder holds that a command reads.
    public struct Listing: Sendable {
        /// Regular files (or links to them), relative to the folder, sorted.
        public var files: [String] = []
        /// Entries the command would read that are not regular files (a FIFO, a socket, a
        /// device), relative to the folder, sorted: opening a FIFO waits for a writer, so a
        /// folder scan that read one could hang. Named on the command line, such a file is
        /// read (`placet check <(generate)`); found in a folder, it is the caller's to report.
        public var notRegular: [String] = []

        public init() {}
    }

    /// The paths, relative to `folder`, of the regular files below it that `include` accepts,
    /// sorted; nil when the folder cannot be read. See `listing`.
    public static func relativePaths(under folder: String, limit: Int = .max, where include: (String) -> Bool) -> [String]? {
        listing(under: folder, limit: limit, where: include)?.files
    }

    /// The entries below `folder` that `include` accepts; nil when the folder cannot be read.
    /// Linked folders are followed (each real folder once, so a link cycle ends). Names
    /// starting with '.' are passed over with everything below them: a Kubernetes ConfigMap or
    /// Secret volume shows each file by a name linked through `..data` to a timestamped
    /// `..2026_…` folder, and reading those as well would read every manifest twice and change
    /// a pack's digest. A link that leads nowhere is passed over, as `ls -L` does.
    public static func listing(under folder: String, limit: Int = .max, where include: (String) -> Bool) -> Listing? {
        let fileManager = FileManager.default
        guard let top = try? fileManager.contentsOfDirectory(atPath: folder) else { return nil }
        var listing = Listing()
        var visitedFolders: Set<String> = [(folder as NSString).resolvingSymlinksInPath]
        var pending: [(relative: String, names: [String])] = [("", top)]
        var visited = 0
        scan: while let (relative, names) = pending.popLast() {
            for name in names where !name.hasPrefix(".") {
                visited += 1
                if visited > limit { break scan }
                let path = relative.isEmpty ? name : relative + "/" + name
                let full = (folder as NSString).appendingPathComponent(path)
                guard let kind = kind(atPath: full) else { continue }
                switch kind {
                case .folder:
                    guard visitedFolders.insert((full as NSString).resolvingSymlinksInPath).inserted,
                          let children = try? fileManager.contentsOfDirectory(atPath: full) else { continue }
                    pending.append((path, children))
                case .regular:
                    if include(path) { listing.files.append(path) }
                case .other:
                    if include(path) { listing.notRegular.append(path) }
                }
            }
        }
        listing.files.sort()
        listing.notRegular.sort()
        return listing
    }

    /// A path `listing` gave, joined to the folder as the caller named it (`dir/` or `dir`).
    public static func path(_ relative: String, in folder: String) -> String {
        folder.hasSuffix("/") ? folder + relative : folder + "/" + relative
    }

    /// The size of the file at `path` when it is a regular file, through links; nil for
    /// anything else (a folder, a FIFO, a device) or nothing. Size limits are checked with
    /// this rather than `FileManager.attributesOfItem`, which describes a link itself: every
    /// file of a Kubernetes ConfigMap volume is a link.
    public static func regularFileSize(atPath path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    private enum Kind { case folder, regular, other }

    /// What is at `path`, through links; nil when nothing is (or a link leads nowhere).
    private static func kind(atPath path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: return .regular
        default: return .other
        }
    }
}
