import Foundation

/// One detection setting as an operator writes it (`warden serve --detect`, issue 14):
/// `KIND=COUNT/WINDOW` (`credential_guessing=20/10m`: 20 occurrences within 10 minutes),
/// `new_scope_use=WINDOW` or `=1/WINDOW` (the learning period), or `KIND=off`.
public struct DetectionSetting: Sendable, Equatable {
    public var kind: AlertCenter.Kind
    /// `nil`: the kind is off.
    public var threshold: DetectionThreshold?

    public init(kind: AlertCenter.Kind, threshold: DetectionThreshold?) {
        self.kind = kind
        self.threshold = threshold
    }

    /// - Throws: a ``DetectionSettingError`` saying what is wrong, for the command line.
    public init(parsing text: String) throws(DetectionSettingError) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let kinds = AlertCenter.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard parts.count == 2, let kind = AlertCenter.Kind(rawValue: String(parts[0]).trimmingCharacters(in: .whitespaces)) else {
            throw DetectionSettingError("\(PrintableText.escaped(text)) is not KIND=COUNT/WINDOW or KIND=off; the kinds are \(kinds)")
        }
        self.kind = kind
        let value = String(parts[1]).trimmingCharacters(in: .whitespaces)
        if value == "off" {
            threshold = nil
            return
        }
        let pieces = value.split(separator: "/", omittingEmptySubsequences: false)
        let count: Int?
        let window: String
        switch (pieces.count, kind) {
        case (2, _): (count, window) = (Int(pieces[0]), String(pieces[1]))
        case (1, .newScopeUse): (count, window) = (1, String(pieces[0]))
        default: throw DetectionSettingError("\(kind.rawValue)=\(PrintableText.escaped(value)): give COUNT/WINDOW, e.g. \(kind.rawValue)=10/5m, or off")
        }
        guard let count, (1...1_000_000).contains(count) else {
            throw DetectionSettingError("\(kind.rawValue): the count must be a whole number 1…1000000")
        }
        guard kind != .newScopeUse || count == 1 else {
            throw DetectionSettingError("new_scope_use raises at a scope's first use: give its learning period alone, e.g. new_scope_use=7d")
        }
        guard let seconds = DurationText.seconds(window) else {
            throw DetectionSettingError("\(kind.rawValue): the window is a duration such as 90s, 5m, 1h or 7d")
        }
        // Counters live a day (cleanup) and a window's estimate reads the one before it: 12 h at
        // most (a learning period is no counting window).
        guard kind == .newScopeUse || seconds <= 12 * 3600 else {
            throw DetectionSettingError("\(kind.rawValue): the window is at most 12h")
        }
        threshold = DetectionThreshold(count: count, window: .seconds(Int64(seconds.rounded())))
    }
}
