import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// An HTTP server whose every answer is a 200 head and the first bytes of a JSON body, and then
/// nothing: the body never ends (a server gone half-open mid-answer). Counts requests; open
/// answers are ended after the test body.
final class StallingBodyEndpoint: Sendable {
    private struct State {
        var requests = 0
        var released = false
    }
    private let state = Mutex(State())

    var requests: Int { state.withLock { $0.requests } }

    /// Runs the server for the duration of `body`, passing its base URL.
    func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.on("**", method: .get, use: answer)
        router.on("**", method: .post, use: answer)
        try await LoopbackApp.run(router, label: "stalling-body", beforeShutdown: { self.state.withLock { $0.released = true } }) { base in
            try await body(base)
        }
    }

    @Sendable private func answer(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        state.withLock { $0.requests += 1 }
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: #"{"keys": [{"kty": "EC", "#))
            while !self.state.withLock({ $0.released }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }
}
