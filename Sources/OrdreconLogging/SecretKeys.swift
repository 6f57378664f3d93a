/// Which metadata keys hold secrets, whose values are never written.
public enum SecretKeys {
    /// What a secret value is written as.
    public static let mask = "***"

    private static let names: Set<String> = ["token", "authorization", "password", "secret", "api_key"]

    /// Whether the value of `key` is a secret.
    ///
    /// A key is secret when its last dotted component, compared case-insensitively, is `token`,
    /// `authorization`, `password`, `secret` or `api_key`, or ends with `_token`:
    /// `gateway.token`, `http.authorization`, `Authorization`, `refresh_token`. Keys that merely
    /// contain such a word are not: `token_count`, `tokens`, `password_policy`.
    public static func isSecret(_ key: String) -> Bool {
        let last: Substring
        if let dot = key.lastIndex(of: ".") {
            last = key[key.index(after: dot)...]
        } else {
            last = key[...]
        }
        let lowered = last.lowercased()
        return names.contains(lowered) || lowered.hasSuffix("_token")
    }
}
