using Microsoft.Extensions.Options;

namespace TagWorker.Telemetry;

/// <summary>Checks the telemetry settings at start-up; every message names its key.</summary>
internal sealed class TelemetryOptionsValidator(IConfiguration configuration) : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        var path = options.Prometheus.Path;
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Any(c => char.IsWhiteSpace(c) || c is '?' or '#'))
        {
            failures.Add($"Telemetry:Prometheus:Path must be a path starting with '/', without spaces or a query, not '{path}'.");
        }
        else if (path is "/healthz" or "/readyz")
        {
            failures.Add($"Telemetry:Prometheus:Path must not be {path}, which the health checks use.");
        }

        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrEmpty(endpoint)
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http:// or https:// URL, not '{endpoint}'.");
        }

        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"];
        if (!string.IsNullOrEmpty(protocol) && protocol is not ("grpc" or "http/protobuf"))
        {
            failures.Add($"OTEL_EXPORTER_OTLP_PROTOCOL must be grpc or http/protobuf, not '{protocol}'.");
        }

        var format = new LogFormatOptions { Format = configuration[$"{LogFormatOptions.SectionName}:{nameof(LogFormatOptions.Format)}"] ?? nameof(LogFormat.Auto) };
        if (format.Parsed is null)
        {
            failures.Add($"Logging:Format must be auto, json or text, not '{format.Format}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
