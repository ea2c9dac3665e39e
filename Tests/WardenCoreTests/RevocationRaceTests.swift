import Foundation
import Synchronization
import Testing
import WardenTesting

@testable import WardenCore

/// A revoked token is never accepted after `revoke` returns, with full verifications inserting,
/// hits, and unrelated revocations moving the list's generation all racing it (issue 16: hits
/// skip the list while its generation stands; found by a review to be the test that fails when
/// the generation is read after the check instead of before it — 857 to 2,706 acceptances a run).
@Suite struct RevocationRaceTests {
    final class Flags: Sendable {
        let stop = Atomic<Bool>(false)
        let revoked = Atomic<Bool>(false)
        let acceptedAfterRevoke = Atomic<Int>(0)
        let verifications = Atomic<Int>(0)
    }

    /// Full verifications (a small cache: many are misses), hits, and unrelated
    /// revocations race a token's revocation; once `revoke` has returned (flag set after it,
    /// releasing), no verification that starts afterwards (flag read acquiring) may pass.
    @Test(arguments: [1, 64, 10_000])
    func noAcceptanceAfterRevokeUnderRaces(capacity: Int) async throws {
        let issuer = await TestTokenIssuer()
        let revocations = RevocationList()
        let verifier = issuer.verifier(configure: { $0.cacheCapacity = capacity }, revocations: revocations)
        let plain = issuer.verifier(configure: { $0.cacheCapacity = 0 })
        var total = 0
        for round in 0..<150 {
            let token = try issuer.token(subject: "victim\(round)")
            let decoy = try issuer.token(subject: "decoy\(round)")
            let victim = try #require(try plain.verifyWithoutSuspending(token))
            let flags = Flags()
            let group = DispatchGroup()
            for worker in 0..<2 {
                group.enter()
                Thread {
                    var n = 0
                    while !flags.stop.load(ordering: .relaxed) {
                        let wasRevoked = flags.revoked.load(ordering: .acquiring)
                        if worker == 1, n % 3 == 0 { _ = try? verifier.verifyWithoutSuspending(decoy) }
                        if worker == 1, n % 5 == 0 { revocations.revoke(tokenID: UUID().uuidString, expiresAt: Date().addingTimeInterval(300)) }
                        if (try? verifier.verifyWithoutSuspending(token)) != nil, wasRevoked {
                            flags.acceptedAfterRevoke.add(1, ordering: .relaxed)
                        }
                        n += 1
                    }
                    flags.verifications.add(n, ordering: .relaxed)
                    group.leave()
                }.start()
            }
            usleep(UInt32.random(in: 0...300))
            revocations.revoke(tokenID: victim.tokenID, expiresAt: victim.claims.expiresAt)
            flags.revoked.store(true, ordering: .releasing)
            usleep(2_000)
            flags.stop.store(true, ordering: .relaxed)
            group.wait()
            #expect(throws: TokenVerificationError.self) { try verifier.verifyWithoutSuspending(token) }
            total += flags.acceptedAfterRevoke.load(ordering: .relaxed)
        }
        #expect(total == 0, "accepted after revoke: \(total)")
    }
}
