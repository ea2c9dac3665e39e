import Foundation

/// Whether, and how, a Warden process exports traces: decided from the standard OpenTelemetry
/// variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
/// **off unless one asks for it** — an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` or
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or `OTEL_TRACES_EXPORTER=otlp`. Issue 16.
///
/// swift-otel reads the same variables itself once tracing is on (endpoint, protocol, headers,
/// service name, batching); this decides only on/off and refuses what Warden's build cannot do
/// (gRPC: only swift-otel's `OTLPHTTP` trait is built; console, Jaeger and Zipkin exporters),
/// with a message, where swift-otel would stop the process or fail later.
public enum TracingSetting: Equatable, Sendable {
    case off
    /// OTLP over HTTP, `http/protobuf` (the default) or `http/json`.
    case otlp(protocolName: String)

    public init(environment: [String: String]) throws(TracingSettingError) {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        if value("OTEL_SDK_DISABLED")?.lowercased() == "true" {
            self = .off
            return
        }
        let endpoint = value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? value("OTEL_EXPORTER_OTLP_ENDPOINT")
        switch value("OTEL_TRACES_EXPORTER")?.lowercased() {
        case "none":
            self = .off
            return
        case nil:
            guard endpoint != nil else {
                self = .off
                return
            }
        case "otlp":
            break
        case let other?:
            throw TracingSettingError("OTEL_TRACES_EXPORTER=\(other) is not supported: use otlp (or none)")
        }
        let protocolName = value("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? value("OTEL_EXPORTER_OTLP_PROTOCOL") ?? "http/protobuf"
        guard protocolName == "http/protobuf" || protocolName == "http/json" else {
            throw TracingSettingError("OTEL_EXPORTER_OTLP_PROTOCOL=\(protocolName) is not supported: use http/protobuf or http/json (OTLP over HTTP)")
        }
        self = .otlp(protocolName: protocolName)
    }
}
