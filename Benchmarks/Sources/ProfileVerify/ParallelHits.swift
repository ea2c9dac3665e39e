import Foundation
import Synchronization
import WardenCore

/// Cache hits on several threads at once against one thread (issue 16: every event loop of a
/// server verifies its requests' tokens through the one verifier, so what a hit shares — a lock,
/// a counter — is shared by all cores). Each round runs one thread for a second, then `threads`
/// threads for a second; the result is the median over rounds of (hits a second on `threads`) /
/// (hits a second on one): `threads` when hits share nothing.
///
/// OS threads (not tasks): `verifyWithoutSuspending` is synchronous, as an event loop calls it.
enum ParallelHits {
    /// `tokens`: the token each thread presents (one for all: a popular token, as a calling
    /// service's; one each: the calls of different clients).
    static func compare(_ verifier: AccessTokenVerifier<StaticKeySet>, _ tokens: [String], threads: Int, rounds: Int) {
        var scalings: [Double] = []
        for round in 1...rounds {
            let one = hitsPerSecond(verifier, tokens, threads: 1)
            let many = hitsPerSecond(verifier, tokens, threads: threads)
            scalings.append(many / one)
            print("round \(round): 1 thread \(Int(one)) hits/s, \(threads) threads \(Int(many)) hits/s, x\(String(format: "%.2f", many / one))")
        }
        let median = scalings.sorted()[scalings.count / 2]
        print("median scaling over \(threads) threads: x\(String(format: "%.2f", median)) (x\(threads) when hits share nothing)")
    }

    /// Hits a second, all threads together, over one second.
    static func hitsPerSecond(_ verifier: AccessTokenVerifier<StaticKeySet>, _ tokens: [String], threads: Int) -> Double {
        let total = HitCount()
        let done = DispatchGroup()
        let deadline = ContinuousClock.now + .seconds(1)
        let start = ContinuousClock.now
        for index in 0..<threads {
            done.enter()
            let token = tokens[index % tokens.count]
            let thread = Thread {
                var hits = 0
                while ContinuousClock.now < deadline {
                    // A batch between clock reads, so the clock is not what is measured.
                    for _ in 0..<256 where (try? verifier.verifyWithoutSuspending(token)) != nil { hits += 1 }
                }
                total.value.add(hits, ordering: .relaxed)
                done.leave()
            }
            thread.start()
        }
        done.wait()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(total.value.load(ordering: .relaxed)) / seconds
    }

    /// The threads' hits added up (an `Atomic` cannot be captured by a thread's closure itself).
    final class HitCount: Sendable {
        let value = Atomic<Int>(0)
    }
}
