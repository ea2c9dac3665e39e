import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import WardenCore
@testable import WardenServer
@testable import WardenServerHummingbird

/// Revocation streams are bounded: one store reader for all of them, a limit per client address
/// and in all, answered with `429` / `503` and `Retry-After` (issue 11, item 3).
@Suite(.timeLimit(.minutes(1))) struct RevocationStreamLimitTests {
    /// An open stream on a client of its own, so that closing it closes the connection.
    struct OpenStream {
        let client: HTTPClient
        let status: Int
        let retryAfter: String?
        let body: HTTPClientResponse.Body
    }

    static func open(_ server: TestServer, from address: String? = nil) async throws -> OpenStream {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var request = HTTPClientRequest(url: server.baseURL + "/oauth2/revocations")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let address { request.headers.add(name: "X-Forwarded-For", value: address) }
        let response = try await client.execute(request, timeout: .seconds(30))
        return OpenStream(client: client, status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"), body: response.body)
    }

    @Test func aNewStreamClosesItsAddresssOldestAndBeyondTheTotalIs503WithRetryAfter() async throws {
        try await TestServer.run(configure: {
            $0.maximumRevocationStreamsPerAddress = 2
            $0.maximumRevocationStreams = 3
            $0.revocationStreamHeartbeat = .milliseconds(100)
            $0.trustedProxies = TrustedProxies([IPAddressRange("127.0.0.1")!])
        }) { server in
            let first = try await Self.open(server, from: "198.51.100.1")
            let second = try await Self.open(server, from: "198.51.100.1")
            #expect(first.status == 200 && second.status == 200)
            // A third from the same address (its client reconnecting, say) takes the oldest's
            // place: the first stream ends.
            let third = try await Self.open(server, from: "198.51.100.1")
            #expect(third.status == 200)
            var firstBody = first.body.makeAsyncIterator()
            while try await firstBody.next() != nil {}
            let settled = try await eventually(within: 10) { server.server.revocationStreams.count == 2 }
            #expect(settled)
            // Another /64 of the same IPv6 site counts as the same address.
            let v6a = try await Self.open(server, from: "2001:db8::1")
            #expect(v6a.status == 200)
            let overTheTotal = try await Self.open(server, from: "203.0.113.7")
            #expect(overTheTotal.status == 503)
            #expect(overTheTotal.retryAfter == "30")
            let body = try await overTheTotal.body.collect(upTo: 4096)
            #expect(String(buffer: body).contains("\"error\":\"temporarily_unavailable\""))

            // A client that goes away gives its place back (the next heartbeat fails to write).
            try await v6a.client.shutdown()
            let freed = try await eventually(within: 10) { server.server.revocationStreams.count == 2 }
            #expect(freed)
            let again = try await Self.open(server, from: "203.0.113.7")
            #expect(again.status == 200)
            for stream in [first, second, third, overTheTotal, again] { try await stream.client.shutdown() }
        }
    }

    @Test func addressesAreCountedNormalizedAndIPv6ByPrefix() {
        #expect(IPAddressRange.bucket(for: "2001:DB8:0:0::A") == "2001:db8::/64")
        #expect(IPAddressRange.bucket(for: "2001:db8::ffff:1") == "2001:db8::/64")
        #expect(IPAddressRange.bucket(for: "2001:db8:0:1::1") == "2001:db8:0:1::/64")
        #expect(IPAddressRange.bucket(for: "::ffff:192.0.2.1") == "192.0.2.1")
        #expect(IPAddressRange.bucket(for: "192.0.2.1") == "192.0.2.1")
        #expect(IPAddressRange.normalized("2001:DB8:0::A") == "2001:db8::a")
        #expect(IPAddressRange.bucket(for: nil) == "unknown")
        #expect(IPAddressRange.bucket(for: "not an address") == "not an address")
        #expect(IPAddressRange.normalized("not an address") == nil)
    }

    /// The spellings are remembered (issue 16), and answered the same asked again, for more
    /// addresses than the memory keeps, and from many tasks at once.
    @Test func addressSpellingsAreTheSameRememberedOrNot() async {
        let count = IPAddressRange.spellingsCapacity + 500
        await withTaskGroup(of: Bool.self) { group in
            for part in 0..<4 {
                group.addTask {
                    for round in 0..<2 {
                        for index in stride(from: part + 1, to: count, by: 4) {
                            let v4 = "10.\(index >> 16 & 255).\(index >> 8 & 255).\(index & 255)"
                            let v6 = "2001:DB8:\(String(index, radix: 16))::\(round + 1)"
                            guard IPAddressRange.bucket(for: v4) == v4,
                                IPAddressRange.normalized(v6) == "2001:db8:\(String(index, radix: 16))::\(round + 1)",
                                IPAddressRange.bucket(for: v6) == "2001:db8:\(String(index, radix: 16))::/64"
                            else { return false }
                        }
                    }
                    return true
                }
            }
            for await agreed in group { #expect(agreed) }
        }
    }

    @Test func manyOpenStreamsShareOneStoreReader() async throws {
        let poll = Duration.milliseconds(100)
        try await TestServer.run(configure: {
            $0.revocationStreamPollInterval = poll
            $0.maximumRevocationStreamsPerAddress = 100
        }) { server in
            var streams: [OpenStream] = []
            var iterators: [HTTPClientResponse.Body.AsyncIterator] = []
            for _ in 0..<30 {
                let stream = try await Self.open(server)
                #expect(stream.status == 200)
                streams.append(stream)
                iterators.append(stream.body.makeAsyncIterator())
            }
            let start = ContinuousClock.now
            let pollsBefore = server.server.revocationFanOut.polls
            try await Task.sleep(for: .seconds(1))
            let polls = server.server.revocationFanOut.polls - pollsBefore
            let intervals = Int((ContinuousClock.now - start) / poll)
            // One reader: at most one query per interval (and one for a page boundary), where
            // 30 streams polling on their own made 30 per interval.
            #expect(polls <= intervals + 2, "\(polls) queries in \(intervals) intervals")

            // A revocation reaches every stream.
            let token = try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: RevocationStreamTests.report).accessToken)
            let jti = try await server.verifier(audience: "order-service").verify(token).tokenID
            _ = try await server.post("/oauth2/revoke", [("token", token)], basic: RevocationStreamTests.report)
            for index in iterators.indices {
                var text = ""
                while !text.contains(jti) {
                    guard let buffer = try await iterators[index].next() else { break }
                    text += String(buffer: buffer)
                }
                #expect(text.contains(jti))
            }
            for stream in streams { try await stream.client.shutdown() }
        }
    }

    /// The shared reader never holds more than its capacity, even on its first read of a long
    /// feed; a cursor older than what it keeps is told to read the store.
    @Test func theSharedReaderKeepsOnlyItsCapacity() async throws {
        try await TestServer.run { server in
            let now = Date()
            for index in 0..<7 {
                _ = try await server.store.revoke(tokenID: "jti-\(index)", expiresAt: now.addingTimeInterval(300), at: now)
            }
            let fanOut = RevocationFanOut(store: server.store, signal: ChangeSignal(), pollInterval: .seconds(60), pageLimit: 2, capacity: 3)
            try await fanOut.refreshIfDue()
            #expect(fanOut.entries(after: 0, limit: 10) == .behind)
            #expect(fanOut.entries(after: 3, limit: 10) == .behind)
            guard case .entries(let kept) = fanOut.entries(after: 4, limit: 10) else {
                Issue.record("the newest three are kept")
                return
            }
            #expect(kept.map(\.tokenID) == ["jti-4", "jti-5", "jti-6"])
            #expect(fanOut.entries(after: 7, limit: 10) == .entries([]))
        }
    }

    @Test func aStreamFarBehindCatchesUpFromTheStore() async throws {
        try await TestServer.run(configure: { $0.revocationPageLimit = 2 }) { server in
            // Five revocations; the fan-out keeps at least a page (2) — a stream from cursor 0
            // reads what is not kept from the store, in order, none missed.
            var revoked: [String] = []
            for _ in 0..<5 {
                let token = try #require(try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: RevocationStreamTests.report).accessToken)
                revoked.append(try await server.verifier(audience: "order-service").verify(token).tokenID)
                _ = try await server.post("/oauth2/revoke", [("token", token)], basic: RevocationStreamTests.report)
            }
            let stream = try await Self.open(server)
            var iterator = stream.body.makeAsyncIterator()
            var text = ""
            while !revoked.allSatisfy(text.contains) {
                guard let buffer = try await iterator.next() else { break }
                text += String(buffer: buffer)
            }
            let ids = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }
            #expect(ids == ["id: 1", "id: 2", "id: 3", "id: 4", "id: 5"])
            try await stream.client.shutdown()
        }
    }
}
