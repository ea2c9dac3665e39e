import Logging

/// swift-log's `StreamLogHandler` with its metadata rendered only when a line is written.
///
/// `StreamLogHandler` renders its metadata into a string whenever a value is set, and Hummingbird
/// sets the request id on each request's logger: `warden serve` paid for that rendering on every
/// request (2–4 % of an introspection's CPU time, measured with perf) even at levels where no line
/// is written. This handler keeps the metadata as given and hands it to the stream handler with
/// the event, so the output is the stream handler's own, unchanged.
struct DeferredMetadataLogHandler: LogHandler {
    private var output: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    init(_ output: StreamLogHandler) {
        self.output = output
        self.metadata = output.metadata
        self.output.metadata = [:]
    }

    var logLevel: Logger.Level {
        get { output.logLevel }
        set { output.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { output.metadataProvider }
        set { output.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            // The event's own metadata wins over the logger's, as in StreamLogHandler.
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        output.log(event: event)
    }
}
