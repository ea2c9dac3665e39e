import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import WardenCore

extension AuthorizationServer {
    /// `GET /oauth2/revocations` with `Accept: text/event-stream`: the revocation feed as a live
    /// Server-Sent Events stream. Each event is `id: <cursor>`, `event: revocation`,
    /// `data: {"jti", "exp"}`; a client that reconnects with `Last-Event-ID` (or `?after=`)
    /// resumes after that cursor, so nothing is missed. Revocations made by this server are sent
    /// at once; others (the CLI, another process) within the poll interval. Idle streams get a
    /// comment line every heartbeat. The stream ends on graceful shutdown.
    func revocationStream(_ request: Request) throws -> Response {
        var start: Int64 = 0
        let lastEventID = request.headers[HTTPField.Name("Last-Event-ID")!]
        if let value = lastEventID ?? request.uri.queryParameters["after"].map(String.init) {
            guard let cursor = Int64(value), cursor >= 0 else {
                throw OAuthError.invalidRequest("Last-Event-ID or after must be a non-negative integer cursor.")
            }
            start = cursor
        }
        let startCursor = start
        let store = store
        let signal = tokens.revocationSignal
        let pageLimit = configuration.revocationPageLimit
        let poll = configuration.revocationStreamPollInterval
        let heartbeat = configuration.revocationStreamHeartbeat.timeInterval
        let body = ResponseBody { writer in
            let stopped = StopFlag()
            try await withTaskCancellationOrGracefulShutdownHandler {
                var cursor = startCursor
                // SSE §9.2.6: how long a client waits before reconnecting.
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                var lastWrite = ContinuousClock.now
                while !stopped.isSet {
                    // Read before the query: a revocation stored after the query found nothing
                    // then ends the wait below at once.
                    let seen = signal.generation
                    let entries = try await store.revocations(after: cursor, limit: pageLimit)
                    if let last = entries.last {
                        var text = ""
                        for entry in entries {
                            let data = JSONValue.object([
                                "jti": .string(entry.tokenID),
                                "exp": .number(entry.expiresAt.timeIntervalSince1970.rounded(.up)),
                            ]).serialized()
                            text += "id: \(entry.cursor)\nevent: revocation\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
                        }
                        try await writer.write(ByteBuffer(string: text))
                        cursor = last.cursor
                        lastWrite = .now
                        continue
                    }
                    if (ContinuousClock.now - lastWrite).timeInterval >= heartbeat {
                        try await writer.write(ByteBuffer(string: ": keepalive\n\n"))
                        lastWrite = .now
                    }
                    await signal.wait(after: seen, timeout: poll)
                }
            } onCancelOrGracefulShutdown: {
                stopped.set()
                signal.signal()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body
        )
    }
}
