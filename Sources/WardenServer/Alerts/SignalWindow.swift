public import Foundation

/// The sliding window counter of detection (issue 14; the approximation Cloudflare describes for
/// rate limits): each signal keeps the count of its current window (begun by its first
/// occurrence after the previous one ended) and of the window before; the occurrences within
/// the last `window` are estimated as the current count plus the previous count weighted by the
/// share of the previous window that the last `window` still covers. Fixed windows alone let
/// 9 guesses per window pass a threshold of 10 for ever. (Hand-written: a formula, no library.)
public enum SignalWindow {
    /// The estimate, rounded down; `previousStart` is when the previous window began, and the
    /// window's length is `now - windowStart`.
    public static func estimate(current: Int, previous: Int, previousStart: Date, now: Date, windowStart: Date) -> Int {
        let length = now.timeIntervalSince(windowStart)
        guard previous > 0, length > 0 else { return current }
        // The previous window ran from previousStart for `length`; the last window is
        // windowStart…now. Their overlap, as a share of a window:
        let overlap = previousStart.addingTimeInterval(length).timeIntervalSince(windowStart) / length
        return current + Int((Double(previous) * min(1, max(0, overlap))).rounded(.down))
    }
}
