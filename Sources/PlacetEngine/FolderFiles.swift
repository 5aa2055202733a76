// How every command reads a folder: recursively, through linked folders, hidden names passed over.

import Foundation

public enum FolderFiles {
    /// The paths, relative to `folder`, of the files below it that `include` accepts, sorted;
    /// nil when the folder cannot be read. Linked folders are followed (each real folder once,
    /// so a link cycle ends). Names starting with '.' are passed over with everything below
    /// them: a Kubernetes ConfigMap or Secret volume shows each file by a name linked through
    /// `..data` to a timestamped `..2026_…` folder, and reading those as well would read every
    /// manifest twice and change a pack's digest.
    public static func relativePaths(under folder: String, limit: Int = .max, where include: (String) -> Bool) -> [String]? {
        let fileManager = FileManager.default
        guard let top = try? fileManager.contentsOfDirectory(atPath: folder) else { return nil }
        var paths: [String] = []
        var visitedFolders: Set<String> = [(folder as NSString).resolvingSymlinksInPath]
        var pending: [(relative: String, names: [String])] = [("", top)]
        var visited = 0
        while let (relative, names) = pending.popLast() {
            for name in names where !name.hasPrefix(".") {
                visited += 1
                if visited > limit { return paths.sorted() }
                let path = relative.isEmpty ? name : relative + "/" + name
                let full = (folder as NSString).appendingPathComponent(path)
                var isDirectory: ObjCBool = false
                guard fileManager.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    guard visitedFolders.insert((full as NSString).resolvingSymlinksInPath).inserted,
                          let children = try? fileManager.contentsOfDirectory(atPath: full) else { continue }
                    pending.append((path, children))
                } else if include(path) {
                    paths.append(path)
                }
            }
        }
        return paths.sorted()
    }
}
