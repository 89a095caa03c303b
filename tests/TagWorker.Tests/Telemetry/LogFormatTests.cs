using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;
using TagWorker.Telemetry;

namespace TagWorker.Tests.Telemetry;

public sealed partial class LogFormatTests
{
    [Theory]
    [InlineData("auto", true, true, true)]
    [InlineData("auto", true, false, false)]
    [InlineData("auto", false, true, false)]
    [InlineData("Auto", false, false, false)]
    [InlineData("json", false, false, true)]
    [InlineData("JSON", false, true, true)]
    [InlineData("text", true, true, false)]
    public void UseJson_FollowsTheSettingThenTheEnvironmentAndTerminal(string format, bool productionContainer, bool redirected, bool json)
    {
        Assert.Equal(json, new LogFormatOptions { Format = format }.UseJson(productionContainer, redirected));
    }

    [Fact]
    public void CompactJson_ThroughMicrosoftLogging_CarriesTheTraceAndSpanIdsAndTheRenderedMessage()
    {
        var sink = new CapturingSink();
        using var serilog = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        using var factory = new SerilogLoggerFactory(serilog);
        var logger = factory.CreateLogger("TagWorker.Test");
        using var activity = new Activity("message").Start();

        DeadLettered(logger, "m-1", "InvalidEvent");

        using var writer = new StringWriter();
        new RenderedCompactJsonFormatter().Format(Assert.Single(sink.Events), writer);
        using var json = JsonDocument.Parse(writer.ToString());
        var root = json.RootElement;
        Assert.Equal(activity.TraceId.ToHexString(), root.GetProperty("@tr").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), root.GetProperty("@sp").GetString());
        Assert.Equal("Dead-lettered message \"m-1\": \"InvalidEvent\"", root.GetProperty("@m").GetString());
        Assert.Equal("Warning", root.GetProperty("@l").GetString());
        Assert.Equal("m-1", root.GetProperty("MessageId").GetString());
    }

    [LoggerMessage(LogLevel.Warning, "Dead-lettered message {MessageId}: {Reason}")]
    private static partial void DeadLettered(Microsoft.Extensions.Logging.ILogger logger, string messageId, string reason);

    private sealed class CapturingSink : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
