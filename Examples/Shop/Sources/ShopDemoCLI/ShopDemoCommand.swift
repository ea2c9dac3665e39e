import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import ShopDemo
import WardenCore
import WardenExecutor
import WardenTelemetry

/// `shop-demo`: the authorization server, the order service and the payment service on
/// loopback, and the scenario of issue 4 through them.
@main
struct ShopDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shop-demo",
        abstract: "Run Warden's shop (authorization server, order service, payment service) and its scenario; exits 0 only if every case came out as expected."
    )

    @Flag(help: "Keep the three servers running and print their URLs (and the authorization server's database, for `warden --database`) as one JSON line, instead of running the scenario.")
    var serve = false

    @Option(help: "How many orders and payments the services keep in memory (the newest).")
    var history = 10_000

    @Option(help: ArgumentHelp("A URL the authorization server POSTs each new alert to (repeatable); signed as Standard Webhooks with WARDEN_ALERT_WEBHOOK_SECRET when that is set, as by `warden serve`.", valueName: "url"))
    var alertWebhook: [String] = []

    func validate() throws {
        guard history >= 1 else { throw ValidationError("--history is at least 1") }
    }

    /// Swift's tasks on NIO's event loops, as `warden` runs them (README "Speed"): installed
    /// first, on the main thread (NIO requires it there), before the arguments are parsed.
    static func main() async {
        EventLoopGlobalExecutor.install()
        await main(nil)
    }

    func run() async throws {
        var logger = Logger(label: "shop-demo")
        logger.logLevel = .warning
        // Tracing (issue 16) before the cluster builds its verifiers, clients and routers: off
        // unless OTEL_* asks for it. Either way the run is a service group stopped by SIGTERM or
        // SIGINT, so `--serve` shuts its servers down (and sends queued spans) when told to.
        let tracing: (any Service)?
        do { tracing = try TracingBootstrap.bootstrapFromEnvironment(serviceName: "shop-demo", logger: logger) } catch {
            throw error  // one line, no usage text: a setting, not a usage mistake
        }
        let (serve, history, alertWebhook) = (serve, history, alertWebhook)
        let passed: Bool
        do {
            // The scenario is cancelled by Ctrl-C; `--serve` waits for the signal and stops cleanly.
            passed = try await TracingBootstrap.run(alongside: tracing, logger: logger, cancellingOnSignal: !serve) {
                try await Self.run(serve: serve, history: history, alertWebhooks: alertWebhook)
            }
        } catch is CancellationError {
            throw ExitCode(130)
        }
        if !passed { throw ExitCode(1) }
    }

    /// `--serve` until SIGTERM or SIGINT, or the scenario once; whether every case came out as expected.
    static func run(serve: Bool, history: Int, alertWebhooks alertWebhook: [String]) async throws -> Bool {
        if serve {
            let secret = ProcessInfo.processInfo.environment["WARDEN_ALERT_WEBHOOK_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
            try await ShopCluster.run(history: history, alertWebhooks: alertWebhook, alertWebhookSecret: secret) { cluster in
                // The order service's credentials and signing key: demo only, so that outside
                // tools can play the order service (sign payment requests, exchange tokens).
                let orderService: JSONValue = .object([
                    "client_id": .string("order-service"), "client_secret": .string(cluster.orderSecret),
                    "signing_key_id": .string(ShopCluster.orderSigningKeyID), "signing_key": .string(cluster.orderSigningSecretBase64URL),
                ])
                // WardenCore's JSON writer, not JSONSerialization: bridging this dictionary
                // through NSDictionary trapped in Swift 6.3.1's debug build once the line grew.
                let line: JSONValue = .object([
                    "issuer": .string(cluster.issuer), "order": .string(cluster.orderURL), "payment": .string(cluster.paymentURL),
                    "client_id": .string(ShopCluster.webClientID), "order_service": orderService, "database": .string(cluster.databasePath),
                ])
                FileHandle.standardOutput.write(Data(line.serialized() + Array("\n".utf8)))
                // Until SIGTERM or SIGINT.
                try await gracefulShutdown()
            }
            return true
        }
        let outcomes = try await ShopCluster.run { cluster in
            // Bound to a name first: `try await ShopScenario(cluster: cluster).run()` (the value
            // made in place as the callee's `self`) made Swift 6.3.1's debug build free the
            // closure's task allocations out of order ("freed pointer was not the last
            // allocation", SIGABRT after the scenario ran).
            let scenario = ShopScenario(cluster: cluster)
            return try await scenario.run()
        }
        return !outcomes.contains(where: { !$0.passed })
    }
}
