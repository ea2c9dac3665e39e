import AsyncHTTPClient
public import Foundation
public import Logging
import OTel
public import ServiceLifecycle
import Synchronization
import Tracing

/// Turns tracing on for a process when the environment asks for it (``TracingSetting``): an
/// OpenTelemetry tracer exporting over OTLP/HTTP, bootstrapped as the process's
/// `InstrumentationSystem`. Only tracing: Warden's logs stay swift-log's and its metrics
/// Prometheus' (swift-otel's all-in-one bootstrap would claim both).
///
/// Call it before building routers, verifiers and HTTP clients: they look for a tracer when
/// they are made, and with none they run exactly as before (issue 16: tracing off costs
/// nothing). Run the returned service **first** in the process's `ServiceGroup`, so that it
/// stops last and sends the spans still queued — for at most ``flushLimit``: a collector that is
/// down must not hold a stopping process past an orchestrator's grace period.
public enum TracingBootstrap {
    private static let bootstrapped = Mutex(false)

    /// How long a stopping process waits for its last spans to be sent.
    public static let flushLimit: Duration = .seconds(3)

    /// The exporter's service, or `nil` when tracing is off (nothing bootstrapped) or was
    /// already turned on in this process (tests run several commands in one process). Reads the
    /// process's environment (so does swift-otel).
    public static func bootstrapFromEnvironment(serviceName: String, logger: Logger) throws(TracingSettingError) -> (any Service)? {
        let environment = ProcessInfo.processInfo.environment
        guard case .otlp(let protocolName) = try TracingSetting(environment: environment) else { return nil }
        guard bootstrapped.withLock({ done in
            defer { done = true }
            return !done
        }) else { return nil }
        if let narrowed = try TracingSetting.propagators(environment) {
            // swift-otel reads the variable itself and stops the process at `baggage`.
            setenv("OTEL_PROPAGATORS", narrowed, 1)
            logger.notice("OTEL_PROPAGATORS: baggage is not supported; using \(narrowed)")
        }
        // async-http-client's shared client, made now, traces nothing itself: its spans would
        // record whole URLs, query strings included. Warden's own spans name only paths, and it
        // passes the trace context on itself (`TraceContextPropagation`).
        _ = HTTPClient.shared
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName  // OTEL_SERVICE_NAME still wins
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        // swift-otel's own lines go to Warden's log without the variables' values (a collector's
        // credential in OTEL_EXPORTER_OTLP_HEADERS), one line each, never below warning.
        let floor = logger.logLevel
        let handler = logger.handler
        configuration.diagnosticLogger = .custom(Logger(label: logger.label) { _ in DiagnosticLogHandler(wrapping: handler, floor: floor) })
        configuration.diagnosticLogLevel = .warning
        let backend: (factory: any Tracer, service: any Service)
        do {
            let made = try OTel.makeTracingBackend(configuration: configuration)
            backend = (made.factory, made.service)
        } catch {
            throw TracingSettingError("tracing could not start: \(error)")
        }
        InstrumentationSystem.bootstrap(backend.factory)
        logger.info("tracing on", metadata: ["protocol": "\(protocolName)", "service": "\(serviceName)"])
        return FlushLimitedService(backend.service, limit: flushLimit)
    }
}
