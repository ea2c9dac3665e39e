import Testing
import WardenTelemetry

/// Issue 16: tracing is off unless the standard OpenTelemetry variables ask for it; what Warden's
/// build cannot do is refused with a message, not a crash.
@Suite struct TracingSettingTests {
    @Test func offUnlessAnEndpointOrTheOTLPExporterIsNamed() throws {
        #expect(try TracingSetting(environment: [:]) == .off)
        #expect(try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"]) == .off)
        #expect(try TracingSetting(environment: ["OTEL_SERVICE_NAME": "x", "OTEL_EXPORTER_OTLP_ENDPOINT": "  "]) == .off)
        #expect(try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]) == .otlp(protocolName: "http/protobuf"))
        #expect(try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c/v1/traces", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"])
            == .otlp(protocolName: "http/json"))
        #expect(try TracingSetting(environment: ["OTEL_TRACES_EXPORTER": "otlp"]) == .otlp(protocolName: "http/protobuf"))
        // The traces-specific protocol wins over the general one.
        #expect(try TracingSetting(environment: ["OTEL_TRACES_EXPORTER": "OTLP", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                                                 "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"]) == .otlp(protocolName: "http/json"))
    }

    @Test func switchedOffExplicitly() throws {
        #expect(try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"]) == .off)
        #expect(try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "TRUE"]) == .off)
    }

    @Test func whatThisBuildCannotDoIsRefusedWithAMessage() {
        #expect(throws: TracingSettingError("OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http/protobuf or http/json (OTLP over HTTP)")) {
            try TracingSetting(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        }
        #expect(throws: TracingSettingError("OTEL_TRACES_EXPORTER=console is not supported: use otlp (or none)")) {
            try TracingSetting(environment: ["OTEL_TRACES_EXPORTER": "console"])
        }
    }
}
