public import Foundation

/// Durations as operators type them: `30d`, `24h`, `90m`, `3600s` or a number of seconds
/// (`warden audit permissions --since`, `warden serve --detect`).
public enum DurationText {
    /// The seconds `text` names, 1 second … 10 years; `nil` for anything else.
    public static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var number = Substring(text)
        var unit = 1.0
        if let last = text.last, let factor = units[last] {
            unit = factor
            number = number.dropLast()
        }
        guard !number.isEmpty, number.allSatisfy(\.isASCII), let value = Double(number), value > 0, value.isFinite else { return nil }
        let seconds = value * unit
        return (1...(3650 * 86_400)).contains(seconds) ? seconds : nil
    }
}
