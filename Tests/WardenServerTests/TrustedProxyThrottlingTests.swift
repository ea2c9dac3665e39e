import HTTPTypes
import Testing
import WardenCore
import WardenServer
import WardenTesting

/// Failures are counted per (account, client address) and per address, never per account alone,
/// and the client address comes from forwarding headers only when the peer is a trusted proxy
/// (issue 11, item 2; DESIGN.md decision 10). The server runs behind "a load balancer" on
/// 127.0.0.1 that forwards `X-Forwarded-For`.
@Suite struct TrustedProxyThrottlingTests {
    static let attacker = [("X-Forwarded-For", "203.0.113.9")]
    static let owner = [("X-Forwarded-For", "198.51.100.7")]

    static func behindProxy(_ configuration: inout AuthorizationServerConfiguration) {
        configuration.trustedProxies = TrustedProxies([IPAddressRange("127.0.0.1/32")!])
    }

    static func password(_ server: TestServer, _ user: String, _ password: String, from headers: [(String, String)]) async throws -> Reply {
        try await server.post("/oauth2/token", [("grant_type", "password"), ("username", user), ("password", password), ("client_id", "shop-web")], headers: headers)
    }

    @Test func guessingFromOneAddressNeverLocksTheOwnerOutFromAnother() async throws {
        try await TestServer.run(timeSource: ManualTimeSource().timeSource, configure: Self.behindProxy) { server in
            for _ in 0..<8 {
                let wrong = try await Self.password(server, "alice", "guess-guess", from: Self.attacker)
                #expect(wrong.error == "invalid_grant")
            }
            // The guesser is locked out of alice, even with her right password…
            let guesserWithTheRightPassword = try await Self.password(server, "alice", "wonderland", from: Self.attacker)
            #expect(guesserWithTheRightPassword.status == 400)
            // …and alice, from her own address, signs in.
            let ownerElsewhere = try await Self.password(server, "alice", "wonderland", from: Self.owner)
            #expect(ownerElsewhere.status == 200)
        }
    }

    @Test func clientSecretGuessesNeverLockTheServiceOutFromAnotherAddress() async throws {
        try await TestServer.run(timeSource: ManualTimeSource().timeSource, configure: Self.behindProxy) { server in
            for _ in 0..<8 {
                let wrong = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ("report-service", "wrong-secret-0123456789"), headers: Self.attacker)
                #expect(wrong.error == "invalid_client")
            }
            let service = try await server.post("/oauth2/token", [("grant_type", "client_credentials")], basic: ClientCredentialsGrantTests.report, headers: Self.owner)
            #expect(service.status == 200)
        }
    }

    @Test func manyAccountsGuessedFromOneAddressLockThatAddressOnly() async throws {
        try await TestServer.run(timeSource: ManualTimeSource().timeSource, configure: Self.behindProxy) { server in
            // From the 50th failure the address is locked (the clock stands still: the lock
            // cannot run out before the check on a slow machine).
            for index in 0..<50 { _ = try await Self.password(server, "user\(index)", "guess", from: Self.attacker) }
            let bobFromTheLockedAddress = try await Self.password(server, "bob", "builder", from: Self.attacker)
            // Refused like a wrong password: invalid_client when the client check meets the
            // locked address first, invalid_grant when the password check does.
            #expect(bobFromTheLockedAddress.status == 400 || bobFromTheLockedAddress.status == 401)
            #expect(bobFromTheLockedAddress.accessToken == nil)
            let bobFromHisOwn = try await Self.password(server, "bob", "builder", from: Self.owner)
            #expect(bobFromHisOwn.status == 200)
        }
    }

    @Test func forwardingHeadersFromAnUntrustedPeerAreIgnored() async throws {
        // No trusted proxy: the loopback peer is the client, whatever the header says, so a
        // guesser cannot spread its failures over made-up addresses.
        try await TestServer.run(timeSource: ManualTimeSource().timeSource) { server in
            for index in 0..<5 {
                _ = try await Self.password(server, "alice", "guess-guess", from: [("X-Forwarded-For", "192.0.2.\(index)")])
            }
            let aliceBehindAMadeUpHeader = try await Self.password(server, "alice", "wonderland", from: [("X-Forwarded-For", "192.0.2.200")])
            #expect(aliceBehindAMadeUpHeader.status == 400)
        }
    }

    @Test func theRightmostUntrustedAddressIsTheClient() {
        let proxies = TrustedProxies([IPAddressRange("10.0.0.0/8")!, IPAddressRange("2001:db8::/32")!])
        func client(_ peer: String?, _ fields: [(String, String)]) -> String? {
            var headers = HTTPFields()
            for (name, value) in fields { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
            return proxies.clientAddress(peer: peer, headers: headers)
        }
        // A client-supplied entry on the left is not believed; the proxy's appended entry is.
        #expect(client("10.0.0.1", [("X-Forwarded-For", "6.6.6.6, 198.51.100.7")]) == "198.51.100.7")
        // Trusted hops are skipped from the right.
        #expect(client("10.0.0.1", [("X-Forwarded-For", "198.51.100.7, 10.1.2.3")]) == "198.51.100.7")
        // Several header lines are one list.
        #expect(client("10.0.0.1", [("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-For", "10.9.9.9")]) == "198.51.100.7")
        // An untrusted peer: headers ignored.
        #expect(client("192.0.2.1", [("X-Forwarded-For", "198.51.100.7")]) == "192.0.2.1")
        // Garbage or "unknown" where the client should be: the last known hop.
        #expect(client("10.0.0.1", [("X-Forwarded-For", "not-an-address")]) == "10.0.0.1")
        #expect(client("10.0.0.1", [("X-Forwarded-For", "198.51.100.7, unknown")]) == "10.0.0.1")
        // Every hop trusted: the left-most.
        #expect(client("10.0.0.1", [("X-Forwarded-For", "10.0.0.2")]) == "10.0.0.2")
        // IPv4-mapped peer.
        #expect(client("::ffff:10.0.0.1", [("X-Forwarded-For", "198.51.100.7")]) == "198.51.100.7")
        // The other header is not read.
        #expect(client("10.0.0.1", [("Forwarded", "for=198.51.100.7")]) == "10.0.0.1")

        let rfc7239 = TrustedProxies([IPAddressRange("10.0.0.0/8")!], header: .forwarded)
        func forwarded(_ value: String) -> String? {
            rfc7239.clientAddress(peer: "10.0.0.1", headers: [HTTPField.Name("Forwarded")!: value])
        }
        #expect(forwarded("for=192.0.2.60;proto=http;by=203.0.113.43") == "192.0.2.60")
        #expect(forwarded("for=\"[2001:db8:cafe::17]:4711\"") == "2001:db8:cafe::17")
        #expect(forwarded("for=192.0.2.43:47011, for=10.0.0.5") == "192.0.2.43")
        #expect(forwarded("for=_hidden, for=198.51.100.17") == "198.51.100.17")
        #expect(forwarded("for=unknown") == "10.0.0.1")
    }

    @Test func addressRangesParseAndMatch() {
        #expect(IPAddressRange("10.0.0.0/8")!.contains("10.255.1.2"))
        #expect(!IPAddressRange("10.0.0.0/8")!.contains("11.0.0.1"))
        #expect(IPAddressRange("192.168.1.7")!.contains("192.168.1.7"))
        #expect(!IPAddressRange("192.168.1.7")!.contains("192.168.1.8"))
        #expect(IPAddressRange("2001:db8::/32")!.contains("2001:db8:1::1"))
        #expect(!IPAddressRange("2001:db8::/32")!.contains("2001:db9::1"))
        #expect(IPAddressRange("0.0.0.0/0")!.contains("203.0.113.1"))
        #expect(!IPAddressRange("0.0.0.0/0")!.contains("::1"))
        #expect(IPAddressRange("172.16.0.0/12")!.description == "172.16.0.0/12")
        #expect(IPAddressRange("10.1.2.3/8")!.description == "10.0.0.0/8")
        for bad in ["", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "::/129", "example.com", "10.0.0.0/8/8", "1.2.3", "10.0.0.0/ 8", "10.0.0.0/٨", "10.0.0.0/+8", "10.0.0.0/0008", "::/1_0", "10.0.0.0\0x/8", "fe80::1%eth0/64"] {
            #expect(IPAddressRange(bad) == nil, "\(bad)")
        }
        // Text after a NUL is not read past (inet_pton reads a C string), and what is remembered
        // for an address never answers for text that only looks like it.
        #expect(IPAddressRange.normalized("1.2.3.4") == "1.2.3.4")
        #expect(IPAddressRange.normalized("1.2.3.4\0x") == nil)
        // U+037E is canonically `;`: equal `String`s, so a remembered "1.2.3.4\0;" once answered for it.
        #expect(IPAddressRange.normalized("1.2.3.4\0;") == nil)
        #expect(IPAddressRange.normalized("1.2.3.4\0\u{37E}") == nil)
        #expect(IPAddressRange.bucket(for: "1.2.3.4\0x") == "1.2.3.4\0x")
        #expect(!IPAddressRange("1.2.3.0/24")!.contains("1.2.3.4\0x"))
    }
}
