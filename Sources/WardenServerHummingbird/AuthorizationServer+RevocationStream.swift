import Foundation
import HTTPTypes
import Logging
import Hummingbird
import NIOCore
import ServiceLifecycle
import WardenCore
import WardenServer

extension AuthorizationServer {
    /// `GET /oauth2/revocations` with `Accept: text/event-stream`: the revocation feed as a live
    /// Server-Sent Events stream. Each event is `id: <cursor>`, `event: revocation`,
    /// `data: {"jti", "exp"}`; a client that reconnects with `Last-Event-ID` (or `?after=`)
    /// resumes after that cursor, so nothing is missed. Revocations made by this server are sent
    /// at once; others (the CLI, another process) within the poll interval. Idle streams get a
    /// comment line every heartbeat. The stream ends on graceful shutdown.
    ///
    /// Every stream reads through one ``RevocationFanOut`` (one store query per poll for all of
    /// them) and takes a place in ``RevocationStreamAdmission``: at the limit of its client
    /// address the oldest stream of that address is closed to make room; at the limit in all
    /// the answer is `503` with `Retry-After` (RFC 9110 §10.2.3) and no stream.
    func revocationStream(_ request: Request, clientAddress: String?) throws -> Response {
        var start: Int64 = 0
        let lastEventID = request.headers[HTTPField.Name("Last-Event-ID")!]
        if let value = lastEventID ?? request.uri.queryParameters["after"].map(String.init) {
            guard let cursor = Int64(value), cursor >= 0 else {
                throw OAuthError.invalidRequest("Last-Event-ID or after must be a non-negative integer cursor.")
            }
            start = cursor
        }
        let slot: RevocationStreamAdmission.Slot
        do throws(RevocationStreamAdmission.Refusal) {
            slot = try revocationStreams.admit(address: clientAddress)
        } catch {
            logger.notice("revocation stream refused: server limit", metadata: ["open": "\(revocationStreams.count)"])
            return Response.json(
                .object([
                    "error": "temporarily_unavailable",
                    "error_description": "Too many revocation streams are open; try again later.",
                ]),
                status: .serviceUnavailable,
                noStore: true,
                headers: [.retryAfter: "30"]
            )
        }
        let startCursor = start
        let store = store
        let fanOut = revocationFanOut
        let signal = tokens.revocationSignal
        let pageLimit = configuration.revocationPageLimit
        let poll = configuration.revocationStreamPollInterval
        let heartbeat = configuration.revocationStreamHeartbeat.timeInterval
        let outage = storageOutage
        let logger = logger
        let body = ResponseBody { writer in
            // Held until the stream ends; dropping it frees the place.
            let heldSlot = slot
            defer { withExtendedLifetime(heldSlot) {} }
            let stopped = StopFlag()
            try await withTaskCancellationOrGracefulShutdownHandler {
                var cursor = startCursor
                // SSE §9.2.6: how long a client waits before reconnecting.
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                var lastWrite = ContinuousClock.now
                while !stopped.isSet && !heldSlot.evicted.isSet {
                    // Read before looking: a revocation signalled after the look found nothing
                    // then ends the wait below at once.
                    let seen = signal.generation
                    // A storage failure ends the stream (the subscriber reconnects and resumes
                    // from its last event). Keeping it open through an outage was tried: a stream
                    // whose store had closed then never ended on a server shutting down.
                    let entries: [RevocationRecord]
                    do {
                        try await fanOut.refreshIfDue()
                        switch fanOut.entries(after: cursor, limit: pageLimit) {
                        case .entries(let kept): entries = kept
                        case .behind: entries = try await store.revocations(after: cursor, limit: pageLimit)
                        }
                    } catch let error as StoreError {
                        outage.failed(error, logger: logger)
                        throw error
                    }
                    if let last = entries.last {
                        var text = ""
                        for entry in entries {
                            let data = entry.feedJSON(withCursor: false).serialized()
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
