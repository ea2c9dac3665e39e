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
/// stops last and sends the spans still queued.
public enum TracingBootstrap {
    private static let bootstrapped = Mutex(false)

    /// The exporter's service, or `nil` when tracing is off (nothing bootstrapped) or was
    /// already turned on in this process (tests run several commands in one process).
    public static func bootstrapFromEnvironment(
        serviceName: String,
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(TracingSettingError) -> (any Service)? {
        guard case .otlp(let protocolName) = try TracingSetting(environment: environment) else { return nil }
        guard bootstrapped.withLock({ done in
            defer { done = true }
            return !done
        }) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName  // OTEL_SERVICE_NAME still wins
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        // swift-otel's own diagnostics go to Warden's log, warnings only: at `info` it lists
        // every variable it read, `OTEL_EXPORTER_OTLP_HEADERS` (often a bearer key) among them.
        configuration.diagnosticLogger = .custom(logger)
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
        return backend.service
    }
}
