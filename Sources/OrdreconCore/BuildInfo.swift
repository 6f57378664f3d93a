/// What this binary is: `ordrecon --version` and the `ordrecon_build_info` metric read it here.
///
/// Bump ``version`` here, and only here, when a release changes what users see (semantic
/// versioning: the minor number for new commands, options or outputs, the major one for a change
/// of the feed contract or of an exit status).
public enum BuildInfo {
    /// The release, e.g. `0.11.0`.
    public static let version: String = "0.11.0"

    /// The git commit the binary was built from, when the build knew it; nil in a plain
    /// `swift build`. `scripts/build-release.sh` writes the commit into this line for the
    /// release build and puts the line back afterwards (`-dirty` when the work tree had
    /// uncommitted changes).
    public static let gitCommit: String? = nil

    /// `0.11.0`, or `0.11.0 (commit 0123456789ab)` when the commit is known.
    public static var versionText: String {
        gitCommit.map { "\(version) (commit \($0))" } ?? version
    }
}
