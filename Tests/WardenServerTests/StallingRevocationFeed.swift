import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A revocation feed that misbehaves the way a dead connection looks from the client: it answers
/// `text/event-stream`, sends one revocation, and then either goes silent (a half-open
/// connection: nothing, not even a heartbeat) or only sends heartbeats; or it sends nothing and
/// ends the stream after a while, as a quiet server restarting. Records the `Last-Event-ID` of
/// every connection.
final class StallingRevocationFeed: Sendable {
    enum Behaviour: Sendable {
        case silentAfterOneEvent
        case heartbeatsAfterOneEvent(every: Duration)
        /// No event at all: the stream ends after this long (a quiet server restarting).
        case quietlyEndsAfter(Duration)
    }

    private struct State {
        var lastEventIDs: [String?] = []
        var released = false
    }
    private let state = Mutex(State())
    let behaviour: Behaviour

    init(_ behaviour: Behaviour) {
        self.behaviour = behaviour
    }

    /// The `Last-Event-ID` each connection sent, in order.
    var lastEventIDs: [String?] { state.withLock { $0.lastEventIDs } }

    /// Runs the feed for the duration of `body`, passing its URL. Open streams are ended after
    /// `body` (a silent handler cannot notice its client left).
    func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get("revocations") { request, _ -> Response in
            let number = self.state.withLock { state in
                state.lastEventIDs.append(request.headers[HTTPField.Name("Last-Event-ID")!])
                return state.lastEventIDs.count
            }
            let behaviour = self.behaviour
            let responseBody = ResponseBody { writer in
                if case .quietlyEndsAfter(let delay) = behaviour {
                    try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                    try await Task.sleep(for: delay)
                    try await writer.finish(nil)
                    return
                }
                try await writer.write(ByteBuffer(string: "retry: 1000\n\nid: \(number)\nevent: revocation\ndata: {\"jti\":\"jti-\(number)\",\"exp\":4102444800}\n\n"))
                while !self.state.withLock({ $0.released }) {
                    switch behaviour {
                    case .silentAfterOneEvent:
                        try await Task.sleep(for: .milliseconds(20))
                    case .heartbeatsAfterOneEvent(let every):
                        try await Task.sleep(for: every)
                        try await writer.write(ByteBuffer(string: ": keepalive\n\n"))
                    case .quietlyEndsAfter:
                        break
                    }
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: responseBody)
        }
        try await LoopbackApp.run(router, label: "stalling-feed", beforeShutdown: { self.state.withLock { $0.released = true } }) { base in
            try await body(base + "/revocations")
        }
    }
}
