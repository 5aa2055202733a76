// The baseline policy pack from `policies/`, bundled as a resource so `placet check` works from any directory.
import Foundation

public enum BaselinePack {
    /// The directory holding the bundled copy of `policies/`.
    public static var directory: URL? {
        Bundle.module.url(forResource: "policies", withExtension: nil)
    }
}
