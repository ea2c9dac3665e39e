import Crypto
import Foundation
import Hummingbird
import JWTKit
import Logging
import NIOCore
import NIOPosix
import RawStructuredFieldValues
import ResourceRoutes
import WardenClient
import WardenCore
import WardenExecutor
import WardenHummingbird
import WardenTesting

/// The resource-server side of `Benchmarks/resource/run.sh`: one Hummingbird app with the same
/// handler behind no check, behind a bearer token, and behind a DPoP-bound token; and the tools
/// the script needs around it. Not a benchmark by itself (the script measures the server's CPU
/// time per request under wrk).
///
///     ResourceServerBench serve PORT DIR         # writes DIR/bearer.token, DIR/bound.token, DIR/dpop.pem, then DIR/ready
///     ResourceServerBench proofs DIR URI COUNT   # COUNT fresh proofs for GET URI with DIR's key and bound token, one per line
///     ResourceServerBench signatures DIR URI COUNT # COUNT signed POSTs of `body` to URI: "Signature-Input<TAB>Signature" per line
///     ResourceServerBench floor COUNT DIR URI    # in-process: raw P-256 verify, and a whole DPoP proof check, µs each
///     ResourceServerBench verify-floor SECONDS   # in-process: the uncached verification and a raw P-256 verify, CPU µs each, over SECONDS (paired.sh)
///     ResourceServerBench replay-memory COUNT DIR # bytes of resident memory per proof remembered (replay memory)
@main
struct ResourceServerBench {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "serve" where arguments.count == 3: try await serve(port: Int(arguments[1])!, directory: arguments[2])
        case "proofs" where arguments.count == 4: try await proofs(directory: arguments[1], uri: arguments[2], count: Int(arguments[3])!)
        case "floor" where arguments.count == 4: try await floor(count: Int(arguments[1])!, directory: arguments[2], uri: arguments[3])
        case "signatures" where arguments.count == 4: try await signatures(directory: arguments[1], uri: arguments[2], count: Int(arguments[3])!)
        case "signature-floor" where arguments.count == 4: try await signatureFloor(count: Int(arguments[1])!, directory: arguments[2], uri: arguments[3])
        case "verify-floor" where arguments.count == 2: await verifyFloor(seconds: Double(arguments[1])!)
        case "replay-memory" where arguments.count == 3: try await replayMemory(count: Int(arguments[1])!, directory: arguments[2])
        default:
            FileHandle.standardError.write(Data("usage: ResourceServerBench serve PORT DIR | proofs DIR URI COUNT | signatures DIR URI COUNT | floor COUNT DIR URI | verify-floor SECONDS | signature-floor COUNT DIR URI | replay-memory COUNT DIR\n".utf8))
            exit(64)
        }
    }

    static func serve(port: Int, directory: String) async throws {
        // RESOURCE_BENCH_NIO_EXECUTOR=1: Swift's global executor runs on NIO's event loops (no
        // hop between NIO's threads and the cooperative pool); measured both ways (issue 16).
        // NIO sizes its loops by cgroup limits, not by the affinity `taskset` sets: the server
        // pinned to one CPU would run two event loops on it. Size them to the CPUs this process
        // may run on, as NIO does in a container limited to that many (issue 16).
        NIOSingletons.groupLoopCountSuggestion = ProcessInfo.processInfo.environment["RESOURCE_BENCH_LOOPS"].flatMap(Int.init) ?? allowedCPUCount()
        if ProcessInfo.processInfo.environment["RESOURCE_BENCH_NIO_EXECUTOR"] == "1" {
            precondition(NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor(), "could not install NIO's executor")
        }
        // RESOURCE_BENCH_NIO_EXECUTOR=generic: the same loops, jobs run as generic ones
        // (WardenExecutor's EventLoopGlobalExecutor, as Warden's executables run them).
        if ProcessInfo.processInfo.environment["RESOURCE_BENCH_NIO_EXECUTOR"] == "generic" {
            precondition(EventLoopGlobalExecutor.install(), "could not install EventLoopGlobalExecutor")
        }
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "orders")
        let dpopKey = ES256PrivateKey()
        let signer = try DPoPProofSigner(key: try await SigningKey.es256(dpopKey, id: "dpop"))
        // An hour: longer than any run; the verified-token cache holds each (as a service's would).
        let bearer = try issuer.token(subject: "alice", scope: ["orders.read"], lifetime: .seconds(3600))
        let bound = try issuer.token(subject: "alice", scope: ["orders.read"], lifetime: .seconds(3600)) { $0.keyThumbprint = signer.thumbprint }
        try write(bearer, to: directory + "/bearer.token")
        try write(bound, to: directory + "/bound.token")
        try write(dpopKey.pemRepresentation, to: directory + "/dpop.pem")

        var bearerOnly = BearerAuthenticatorConfiguration(realm: "bench")
        bearerOnly.dpop = nil
        var withDPoP = BearerAuthenticatorConfiguration(realm: "bench")
        // The default verifier: its replay memory (1,000,000 proofs) holds 65 s at ~15,000 a second.
        withDPoP.dpop = DPoPAcceptance(externalBaseURL: "http://127.0.0.1:\(port)").requiringProofOfPossession()

        let verifier = issuer.verifier()
        // The same verifier without its verified-token cache: every request verifies a signature.
        let uncachedVerifier = issuer.verifier(configure: { $0.cacheCapacity = 0 })
        // And with a deny list of 100,000 revoked tokens (not this one): the lookup on the hot path.
        let revocations = RevocationList()
        for index in 0..<100_000 { revocations.revoke(tokenID: "revoked-\(index)", expiresAt: Date().addingTimeInterval(3600)) }
        let revokingVerifier = issuer.verifier(configure: { $0.cacheCapacity = 0 }, revocations: revocations)
        // In process, off the main actor: the uncached verification's cost (issue 16's floor),
        // written before the server starts (DIR/verify.floor: µs per verification). Synchronous,
        // as the routes verify, so that no executor's hops are counted in it (with NIO's hook an
        // `await verify` was a hop or two a call: a floor ~10 µs higher on some runs).
        // The median of 11 batches: one noisy moment of the host (a batch measured 49 µs where
        // the others took 39–43) no longer sets the floor of the whole run.
        let floor = await Task.detached {
            for _ in 0..<500 { _ = try! uncachedVerifier.verifyWithoutSuspending(bearer)! }
            var batches: [Double] = []
            for _ in 0..<11 {
                let start = cpuMicroseconds()
                for _ in 0..<500 { _ = try! uncachedVerifier.verifyWithoutSuspending(bearer)! }
                batches.append((cpuMicroseconds() - start) / 500)
            }
            return batches.sorted()[batches.count / 2]
        }.value
        try write(String(format: "%.2f", floor), to: directory + "/verify.floor")
        let router = Router(context: BearerRequestContext.self)
        // plain, bearer and the inline control, first (CoreRoutes: the same in RouteBenchmarks).
        CoreRoutes.add(to: router, verifier: verifier, configuration: bearerOnly)
        router.protected("uncached", by: BearerAuthenticator(verifier: uncachedVerifier, configuration: bearerOnly, context: BearerRequestContext.self), requiring: .allOf("orders.read"))
            .get { _, _, auth in auth.subject }
        // The uncached route checking the token a second time in its handler, synchronously:
        // what a second verification costs right after the first (issue 16: a cold first check?).
        router.protected("twice", by: BearerAuthenticator(verifier: uncachedVerifier, configuration: bearerOnly, context: BearerRequestContext.self), requiring: .allOf("orders.read"))
            .get { _, _, auth in
                guard let again = try uncachedVerifier.verifyWithoutSuspending(IncomingAccessToken.current?.rawValue ?? "") else { throw HTTPError(.internalServerError) }
                return again.subject
            }
        router.protected("revocations", by: BearerAuthenticator(verifier: revokingVerifier, configuration: bearerOnly, context: BearerRequestContext.self), requiring: .allOf("orders.read"))
            .get { _, _, auth in auth.subject }
        router.protected("dpop", by: BearerAuthenticator(verifier: verifier, configuration: withDPoP, context: BearerRequestContext.self), requiring: .allOf("orders.read"))
            .get { _, _, auth in auth.subject }
        // The bearer route plus one raw P-256 verification in the handler: what any ~50 µs of
        // crypto costs a request here, DPoP or not (to tell the proof's own cost from the rest).
        let sample = try signer.proof(method: "GET", uri: "http://127.0.0.1/x")
        let sampleParts = sample.split(separator: ".")
        let sampleInput = Array("\(sampleParts[0]).\(sampleParts[1])".utf8)
        let sampleSignature = try P256.Signing.ECDSASignature(rawRepresentation: Base64URL.decodeCanonical(Array(sampleParts[2].utf8))!)
        let samplePublicKey = try P256.Signing.PrivateKey(pemRepresentation: dpopKey.pemRepresentation).publicKey
        router.protected("work", by: BearerAuthenticator(verifier: verifier, configuration: bearerOnly, context: BearerRequestContext.self), requiring: .allOf("orders.read"))
            .get { _, _, auth in
                guard samplePublicKey.isValidSignature(sampleSignature, for: SHA256.hash(data: sampleInput)) else { throw HTTPError(.internalServerError) }
                return auth.subject
            }
        // POST routes with a small JSON body: the same bearer route, unsigned and signed (RFC 9421,
        // hmac-sha256 covering @method @target-uri content-digest authorization).
        let signingSecret = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        try write(Base64URL.encode(signingSecret), to: directory + "/signing.key")
        let signingKey = try HTTPSignatureKey.hmacSHA256(id: "bench-caller", secret: signingSecret)
        let requirement = HTTPSignatureRequirement(
            verifier: HTTPSignatureVerifier(policy: .methodTargetDigestAndAuthorization, keys: StaticSignatureKeys([signingKey])),
            externalBaseURL: "http://127.0.0.1:\(port)", realm: "bench"
        )
        let postAuthenticator = BearerAuthenticator(verifier: verifier, configuration: bearerOnly, context: BearerRequestContext.self)
        router.protected("unsigned", by: postAuthenticator, requiring: .allOf("orders.read")).post { request, _, auth in
            var request = request
            return "\(auth.subject) \(try await request.collectBody(upTo: 1024).readableBytes)"
        }
        router.protected("signed", by: postAuthenticator, requiring: .allOf("orders.read")).requiringSignature(requirement).post { request, _, auth in
            var request = request
            return "\(auth.subject) \(try await request.collectBody(upTo: 1024).readableBytes)"
        }
        // Issue 14: refusals reported to the authorization server (here, a route of this app
        // that takes the batches: the sending is part of the cost) or not. The token lacks
        // orders.write: every request is a 403. And a route that passes, with reporting on.
        var reporterConfiguration = SecurityEventReporter.Configuration()
        reporterConfiguration.capacity = 1_000_000
        let reporter = SecurityEventReporter(
            issuer: "http://127.0.0.1:\(port)",
            identity: ClientIdentity(clientID: "bench", clientSecret: "bench-secret-0123456789", tokenEndpoint: "http://127.0.0.1:\(port)/token"),
            endpoint: "http://127.0.0.1:\(port)/events", configuration: reporterConfiguration
        )
        var reporting = bearerOnly
        reporting.refusals = reporter
        let reportingVerifier = AccessTokenVerifier(configuration: issuer.verifierConfiguration, keys: try issuer.keySet(), refusals: reporter)
        router.post("events") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .accepted)
        }
        router.protected("refused", by: BearerAuthenticator(verifier: verifier, configuration: bearerOnly, context: BearerRequestContext.self), requiring: .allOf("orders.write"))
            .get { _, _, auth in auth.subject }
        router.protected("refused-reported", by: BearerAuthenticator(verifier: reportingVerifier, configuration: reporting, context: BearerRequestContext.self), requiring: .allOf("orders.write"))
            .get { _, _, auth in auth.subject }
        router.protected("reported", by: BearerAuthenticator(verifier: reportingVerifier, configuration: reporting, context: BearerRequestContext.self), requiring: .allOf("orders.read"))
            .get { _, _, auth in auth.subject }
        // The cached route's cost taken apart (`resource/decompose.sh`, docs/benchmarks.md "fifth
        // session" and "sixth session"): each probe at `parts/NAME/probe`, against its own twin
        // `parts/NAME/plain` ("alice", nothing else) registered just before it. Hummingbird
        // compares a level's routes in the order they were added (sixth session: the plain
        // handler registered twelve places after `parts/plain` read +1.05 µs and +0.3 µs against
        // it in two runs, ~25–85 ns a place served), so a probe compared with one plain route for
        // all read dearer the later it came; against its twin it pays one place, as `bearer` does
        // against `plain` in paired.sh.
        //   compute       ~1 µs of arithmetic touching no memory (calibrated now, in process):
        //                 what a microsecond of work in a handler costs in the server
        //   scan          the `Authorization` field looked up and its scheme checked
        //   cached        one cached verification of a token the handler holds (no header read)
        //   cached-twice  two: the second is the hot cost, the first also pays for the
        //                 verifier's memory gone cold since the last request
        //   cached-deny   `cached` by a verifier whose deny list holds 100,000 other tokens
        //   floor         a lower bound for any remembered token's check: the held token's bytes
        //                 compared with a copy and the clock read against its expiry (no lock, no
        //                 table, no revocation or key lookup)
        //   tasklocal     the task-local binding the protected route makes around its handler
        //                 (an async closure inside it)
        //   asyncclosure  an async closure called through a function: the same without the binding
        //   inline        the check by hand (header, copy, cached verification, scope), as `inline`
        //   bearer        the protected route, as `bearer`
        //   same          the plain handler as the probe too: what the method reads for nothing
        let computeCount = Self.calibratedComputeCount(microseconds: 1)
        try write(String(format: "%.3f", Self.computeMicroseconds(count: computeCount)), to: directory + "/compute.floor")
        let heldToken = try issuer.token(subject: "alice", scope: ["orders.read"], lifetime: .seconds(3600))
        let heldBytes = Array(heldToken.utf8)
        let heldExpiry = Date().addingTimeInterval(3600)
        let heldIncoming = IncomingAccessToken(rawValue: heldToken, verified: try await verifier.verify(heldToken))
        let parts = router.group("parts")
        parts.get("plain") { _, _ in "alice" }
        func probe(_ name: String, _ handler: @escaping @Sendable (Request, BearerRequestContext) async throws -> String) {
            let group = parts.group(RouterPath(name))
            group.get("plain") { _, _ in "alice" }
            group.get("probe", use: handler)
        }
        probe("same") { _, _ in "alice" }
        probe("compute") { _, _ in
            Self.compute(computeCount) == 0 ? "bob" : "alice"
        }
        probe("scan") { request, _ in
            var authorization: String?
            for field in request.headers where field.name == .authorization { authorization = field.value }
            guard let authorization, authorization.hasPrefix("Bearer ") else { throw HTTPError(.unauthorized) }
            return "alice"
        }
        probe("cached") { _, _ in
            guard try verifier.verifyWithoutSuspending(heldToken) != nil else { throw HTTPError(.unauthorized) }
            return "alice"
        }
        probe("cached-twice") { _, _ in
            guard try verifier.verifyWithoutSuspending(heldToken) != nil, try verifier.verifyWithoutSuspending(heldToken) != nil else {
                throw HTTPError(.unauthorized)
            }
            return "alice"
        }
        // The same cached verification by a verifier whose deny list holds 100,000 other tokens
        // (the `revocations` route's list): what a populated list costs a hit.
        let denyingVerifier = issuer.verifier(revocations: revocations)
        _ = try await denyingVerifier.verify(heldToken)
        probe("cached-deny") { _, _ in
            guard try denyingVerifier.verifyWithoutSuspending(heldToken) != nil else { throw HTTPError(.unauthorized) }
            return "alice"
        }
        probe("floor") { _, _ in
            let same = heldToken.utf8.withContiguousStorageIfAvailable { presented in
                heldBytes.withUnsafeBufferPointer { held in
                    presented.count == held.count && memcmp(presented.baseAddress!, held.baseAddress!, held.count) == 0
                }
            } ?? false
            guard same, Date() < heldExpiry else { throw HTTPError(.unauthorized) }
            return "alice"
        }
        probe("tasklocal") { _, _ in
            await IncomingAccessToken.$current.withValue(heldIncoming) { () async -> String in "alice" }
        }
        probe("asyncclosure") { _, _ in
            await Self.callAsync { () async -> String in "alice" }
        }
        probe("inline", CoreRoutes.inlineCheck(verifier))
        let bearerPart = parts.group("bearer")
        bearerPart.get("plain") { _, _ in "alice" }
        bearerPart.protected("probe", by: BearerAuthenticator(verifier: verifier, configuration: bearerOnly, context: BearerRequestContext.self), requiring: .allOf("orders.read"))
            .get { _, _, auth in auth.subject }
        // Registered last: the plain handler twelve places after `parts/plain`, what the order
        // of registration alone costs (`DECOMPOSE_PARTS=late`).
        parts.get("late") { _, _ in "alice" }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        // As Warden's executables serve: the flushes of one pass of the loop passed on as one
        // (FlushConsolidationHandler). RESOURCE_BENCH_FLUSH=each: every flush at once, as
        // Hummingbird does by itself (issue 16: ~8 µs a request of waking the client, here).
        let consolidated = ProcessInfo.processInfo.environment["RESOURCE_BENCH_FLUSH"] != "each"
        let app = Application(router: router, server: .http1(configuration: .init(additionalChannelHandlers: consolidated ? [FlushConsolidationHandler()] : [])), configuration: .init(address: .hostname("127.0.0.1", port: port)), onServerRunning: { _ in
            try? write("ready", to: directory + "/ready")
        }, logger: logger)
        // RESOURCE_BENCH_TASK_EXECUTOR=1: every task of the server (connections inherit it) prefers
        // NIO's event loops as its task executor (issue 16).
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await reporter.run() }
            if ProcessInfo.processInfo.environment["RESOURCE_BENCH_TASK_EXECUTOR"] == "1" {
                try await withTaskExecutorPreference(EventLoopTaskExecutor(group: .singleton)) { try await app.runService() }
            } else {
                try await app.runService()
            }
            group.cancelAll()
        }
    }

    static func proofs(directory: String, uri: String, count: Int) async throws {
        let signer = try await loadSigner(directory)
        let token = try String(contentsOfFile: directory + "/bound.token", encoding: .utf8)
        var lines = ""
        lines.reserveCapacity(count * 600)
        for _ in 0..<count {
            lines += try signer.proof(method: "GET", uri: uri, accessToken: token)
            lines += "\n"
        }
        FileHandle.standardOutput.write(Data(lines.utf8))
    }

    /// The body of the signed benchmark requests.
    static let body = #"{"order_id": "o-1", "amount": 1250}"#

    static func signatures(directory: String, uri: String, count: Int) async throws {
        let secret = try String(contentsOfFile: directory + "/signing.key", encoding: .utf8)
        let key = try HTTPSignatureKey.hmacSHA256(id: "bench-caller", secret: Base64URL.decodeCanonical(Array(secret.utf8))!)
        let token = try String(contentsOfFile: directory + "/bearer.token", encoding: .utf8)
        let signer = HTTPRequestSigner(key: key, covering: HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents)
        var lines = ""
        lines.reserveCapacity(count * 300)
        for _ in 0..<count {
            var request = SignableRequest(method: "POST", targetURI: uri, fields: [("Authorization", "Bearer " + token)])
            let added = try signer.sign(&request, body: Array(body.utf8))
            let input = added.first { $0.name == "Signature-Input" }!.value
            let signature = added.first { $0.name == "Signature" }!.value
            lines += input + "\t" + signature + "\n"
        }
        FileHandle.standardOutput.write(Data(lines.utf8))
    }

    /// In process, CPU µs per whole signature check (`HTTPSignatureVerifier.verify` of a signed
    /// POST with its body), and per parse of its `Signature-Input` by swift-http-structured-headers.
    static func signatureFloor(count: Int, directory: String, uri: String) async throws {
        let secret = try String(contentsOfFile: directory + "/signing.key", encoding: .utf8)
        let key = try HTTPSignatureKey.hmacSHA256(id: "bench-caller", secret: Base64URL.decodeCanonical(Array(secret.utf8))!)
        let token = try String(contentsOfFile: directory + "/bearer.token", encoding: .utf8)
        let signer = HTTPRequestSigner(key: key, covering: HTTPSignaturePolicy.methodTargetDigestAndAuthorization.requiredComponents)
        var requests: [SignableRequest] = []
        for _ in 0..<count {
            var request = SignableRequest(method: "POST", targetURI: uri, fields: [("Authorization", "Bearer " + token), ("Content-Type", "application/json")])
            _ = try signer.sign(&request, body: Array(body.utf8))
            requests.append(request)
        }
        var policy = HTTPSignaturePolicy.methodTargetDigestAndAuthorization
        policy.replayCapacity = count + 1
        let verifier = HTTPSignatureVerifier(policy: policy, keys: StaticSignatureKeys([key]))
        let bodyBytes = Array(body.utf8)
        let whole = await Task.detached {
            let start = cpuMicroseconds()
            for request in requests { _ = try! await verifier.verify(request, body: bodyBytes) }
            return (cpuMicroseconds() - start) / Double(count)
        }.value
        let inputs = requests.map { $0.fields.first { $0.name == "Signature-Input" }!.value }
        let start = cpuMicroseconds()
        var parsed = 0
        for input in inputs {
            var parser = StructuredFieldValueParser(Array(input.utf8))
            if (try? parser.parseDictionaryFieldValue()) != nil { parsed += 1 }
        }
        let parse = (cpuMicroseconds() - start) / Double(count)
        precondition(parsed == count)
        print("signature_check_us \(String(format: "%.2f", whole))")
        print("signature_input_parse_us \(String(format: "%.2f", parse))")
    }

    /// What one extra proof should cost at least: a raw P-256 verification (SHA-256 of the
    /// signing input and the signature check, the key and signature objects built once), and
    /// what Warden's whole proof check costs in process, off the main actor as a handler runs;
    /// both in CPU time per check.
    static func floor(count: Int, directory: String, uri: String) async throws {
        let signer = try await loadSigner(directory)
        let token = try String(contentsOfFile: directory + "/bound.token", encoding: .utf8)
        let sample = try signer.proof(method: "GET", uri: uri, accessToken: token)
        let parts = sample.split(separator: ".")
        let input = Array("\(parts[0]).\(parts[1])".utf8)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: Base64URL.decodeCanonical(Array(parts[2].utf8))!)
        let pem = try String(contentsOfFile: directory + "/dpop.pem", encoding: .utf8)
        let publicKey = try P256.Signing.PrivateKey(pemRepresentation: pem).publicKey
        let cpuStart = cpuMicroseconds()
        var valid = 0
        for _ in 0..<count where publicKey.isValidSignature(signature, for: SHA256.hash(data: input)) { valid += 1 }
        let raw = (cpuMicroseconds() - cpuStart) / Double(count)
        precondition(valid == count)

        var proofs: [String] = []
        for _ in 0..<count { proofs.append(try signer.proof(method: "GET", uri: uri, accessToken: token)) }
        var configuration = DPoPProofVerifierConfiguration()
        configuration.replayCacheCapacity = count + 1
        let verifier = DPoPProofVerifier(configuration: configuration)
        let whole = await Task.detached {
            let start = cpuMicroseconds()
            for proof in proofs { _ = try! await verifier.verify(proof, method: "GET", uri: uri, accessToken: token) }
            return (cpuMicroseconds() - start) / Double(count)
        }.value
        print("raw_p256_us \(String(format: "%.2f", raw))")
        print("dpop_proof_us \(String(format: "%.2f", whole))")
    }

    /// The uncached verification's CPU time, as the server's start measures it (`verify.floor`),
    /// and a raw P-256 verification's (SHA-256 of the signing input and the signature check, as
    /// the `work` route's handler does), in alternating batches for SECONDS of wall time:
    /// `paired.sh` runs it on the servers' CPU while they serve, so that the floors and the
    /// routes are measured in the same seconds of a noisy host (issue 16). A token of the same
    /// shape as the server's (same claims, another key). Prints `verify_us` and `raw_p256_us`.
    static func verifyFloor(seconds: Double) async {
        let issuer = await TestTokenIssuer(issuer: "https://auth.example.com", audience: "orders")
        let bearer = try! issuer.token(subject: "alice", scope: ["orders.read"], lifetime: .seconds(3600))
        let verifier = issuer.verifier(configure: { $0.cacheCapacity = 0 })
        let parts = bearer.split(separator: ".")
        let input = Array("\(parts[0]).\(parts[1])".utf8)
        let key = P256.Signing.PrivateKey()
        let signature = try! key.signature(for: SHA256.hash(data: input))
        let publicKey = key.publicKey
        let (verify, raw) = await Task.detached {
            for _ in 0..<50 { _ = try! verifier.verifyWithoutSuspending(bearer)! }
            let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            var verifyTime = 0.0, rawTime = 0.0, batches = 0
            while ContinuousClock.now < end {
                var start = cpuMicroseconds()
                for _ in 0..<10 { _ = try! verifier.verifyWithoutSuspending(bearer)! }
                verifyTime += cpuMicroseconds() - start
                start = cpuMicroseconds()
                for _ in 0..<10 { precondition(publicKey.isValidSignature(signature, for: SHA256.hash(data: input))) }
                rawTime += cpuMicroseconds() - start
                batches += 1
            }
            return (verifyTime / Double(batches * 10), rawTime / Double(batches * 10))
        }.value
        print("verify_us \(String(format: "%.2f", verify))")
        print("raw_p256_us \(String(format: "%.2f", raw))")
    }

    /// Resident memory the replay memory takes per proof it remembers: COUNT proofs made first,
    /// then RSS read before and after one verifier accepted them all.
    static func replayMemory(count: Int, directory: String) async throws {
        let signer = try await loadSigner(directory)
        let token = try String(contentsOfFile: directory + "/bound.token", encoding: .utf8)
        let uri = "http://127.0.0.1/dpop"
        var proofs: [String] = []
        for _ in 0..<count { proofs.append(try signer.proof(method: "GET", uri: uri, accessToken: token)) }
        var configuration = DPoPProofVerifierConfiguration()
        configuration.replayCacheCapacity = count + 1
        let verifier = DPoPProofVerifier(configuration: configuration)
        _ = try await verifier.verify(proofs.removeLast(), method: "GET", uri: uri, accessToken: token)
        let before = residentBytes()
        for proof in proofs { _ = try await verifier.verify(proof, method: "GET", uri: uri, accessToken: token) }
        let after = residentBytes()
        print("replay_memory_bytes_per_proof \((after - before) / proofs.count)")
    }

    /// The CPUs this process may run on (its affinity mask, as `taskset` sets it), read from
    /// `Cpus_allowed` in /proc/self/status (hex words; Glibc's `sched_getaffinity` is not visible
    /// to Swift without `_GNU_SOURCE`); NIO's count when it cannot be read.
    static func allowedCPUCount() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return System.coreCount }
        let bits = line.dropFirst("Cpus_allowed:".count).split(separator: ",")
            .map { UInt64($0.trimmingCharacters(in: .whitespaces), radix: 16)?.nonzeroBitCount ?? 0 }
            .reduce(0, +)
        return bits > 0 ? bits : System.coreCount
    }

    static func residentBytes() -> Int {
        // /proc/self/statm: pages; the second field is resident.
        let fields = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8))?.split(separator: " ") ?? []
        return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func loadSigner(_ directory: String) async throws -> DPoPProofSigner {
        let pem = try String(contentsOfFile: directory + "/dpop.pem", encoding: .utf8)
        return try DPoPProofSigner(key: try await SigningKey.es256(try ES256PrivateKey(pem: pem), id: "dpop"))
    }

    /// An async closure called through a function the optimizer keeps (`parts/asyncclosure`).
    @inline(never)
    static func callAsync(_ operation: () async -> String) async -> String { await operation() }

    /// A chain of multiplications whose every step needs the last (no memory touched, nothing
    /// the optimizer can fold): `parts/compute`'s work.
    @inline(never)
    static func compute(_ count: Int) -> UInt64 {
        var x = UInt64(truncatingIfNeeded: count) | 1
        for _ in 0..<count { x = (x ^ (x >> 29)) &* 6364136223846793005 &+ 1442695040888963407 }
        return x
    }

    /// µs of CPU a `compute(count)` takes here, the median of 11 batches.
    static func computeMicroseconds(count: Int) -> Double {
        var sink: UInt64 = 0
        var batches: [Double] = []
        for _ in 0..<11 {
            let start = cpuMicroseconds()
            // Counts alternating by one: the same argument each time would let the optimizer call it once.
            for index in 0..<2000 { sink &+= compute(opaque(count ^ (index & 1))) }
            batches.append((cpuMicroseconds() - start) / 2000)
        }
        if sink == 42 { print("") }
        return batches.sorted()[batches.count / 2]
    }

    /// The count whose `compute` takes about `microseconds` here (1,000 steps if the clock could
    /// not time them: a route that works, not a trap or an endless loop).
    static func calibratedComputeCount(microseconds: Double) -> Int {
        let perThousand = computeMicroseconds(count: 1000)
        guard perThousand.isFinite, perThousand > 0.01 else { return 1000 }
        return min(1_000_000, max(1, Int(1000 * microseconds / perThousand)))
    }

    /// `count` as the optimizer cannot see it: the calibration's calls stay calls.
    @_optimize(none)
    static func opaque(_ count: Int) -> Int { count }

    /// CPU time (user + system) this process has used, in µs: the same measure as the server's
    /// (run.sh reads it from /proc), so time the machine gives to others is not counted.
    static func cpuMicroseconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func µs(_ time: timeval) -> Double { Double(time.tv_sec) * 1e6 + Double(time.tv_usec) }
        return µs(usage.ru_utime) + µs(usage.ru_stime)
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}

