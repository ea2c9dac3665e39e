import Logging

/// swift-otel's own log lines, written through Warden's log handler, with what must not be in a
/// log taken out (issue 16, a review):
/// - the values of the variables it read (`environment_value`, `new_value`, `previous_value`):
///   `OTEL_EXPORTER_OTLP_HEADERS` is often a collector's credential, and a malformed one is
///   logged at warning;
/// - line breaks in any value (a caller's text in an error message must not start a line of its
///   own), and values past 200 characters.
/// Its level never goes below Warden's own nor below `warning`, whatever `OTEL_LOG_LEVEL` says
/// (swift-otel sets the level it reads from there on the logger it is given).
struct DiagnosticLogHandler: LogHandler {
    var underlying: any LogHandler
    let floor: Logger.Level

    static let withheldKeys: Set<String> = ["environment_value", "new_value", "previous_value"]

    init(wrapping underlying: any LogHandler, floor: Logger.Level) {
        self.underlying = underlying
        self.floor = max(floor, .warning)
    }

    var logLevel: Logger.Level {
        get { max(underlying.logLevel, floor) }
        set { underlying.logLevel = max(newValue, floor) }
    }

    /// The logger's own metadata (swift-otel puts the variables' values here), kept here so that
    /// it is cleaned with the rest rather than merged by the underlying handler.
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        guard level >= floor else { return }
        var cleaned: Logger.Metadata = [:]
        for (key, value) in self.metadata.merging(explicit ?? [:], uniquingKeysWith: { $1 }) {
            cleaned[key] = Self.withheldKeys.contains(key) ? "(withheld)" : .string(Self.oneLine("\(value)"))
        }
        underlying.log(level: level, message: "\(Self.oneLine(message.description))", metadata: cleaned, source: source, file: file, function: function, line: line)
    }

    static func oneLine(_ text: String) -> String {
        let flat = text.map { $0.isNewline ? " " : $0 }
        return flat.count > 200 ? String(flat.prefix(200)) + "…" : String(flat)
    }
}
