using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TagWorker.Contracts;
using TagWorker.Publisher;
using TagWorker.Samples.Publisher;

// A service publishing one segment event ("add tag vip to these users") through TagWorker.Publisher.
// Without a connection (or with --dry-run) it prints the messages it would send instead of sending them.
bool dryRun = args.Contains("--dry-run", StringComparer.Ordinal);
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = [.. args.Where(arg => arg != "--dry-run")],
    ContentRootPath = AppContext.BaseDirectory,
});
SampleSettings sample = SampleSettings.From(builder.Configuration);
TagChangeEvent segment = TagChangeEvents.Add(sample.EventId, DateTimeOffset.UtcNow, sample.Users, [sample.Tag]);

var settings = builder.Configuration.GetSection(TagEventPublisherOptions.DefaultSectionName).Get<TagEventPublisherOptions>() ?? new();
bool connected = !string.IsNullOrWhiteSpace(settings.ConnectionString) || !string.IsNullOrWhiteSpace(settings.FullyQualifiedNamespace);
if (dryRun || !connected)
{
    if (settings.SessionsEnabled && settings.PartitionCount is null)
    {
        await Console.Error.WriteLineAsync("publisher-sample: ServiceBus:PartitionCount is required when ServiceBus:SessionsEnabled is true.");
        return 1;
    }

    IReadOnlyList<TagEventMessage> planned = TagEventMessages.Plan([segment], settings.SessionsEnabled ? settings.PartitionCount : null);
    Console.WriteLine($"dry run{(connected ? string.Empty : " (no ServiceBus:ConnectionString or ServiceBus:FullyQualifiedNamespace)")}: nothing is sent");
    MessageTable.Write(Console.Out, segment, settings, planned);
    return 0;
}

// FullyQualifiedNamespace needs a TokenCredential: register DefaultAzureCredential (package Azure.Identity) here.
builder.Services.AddTagEventPublisher();
using IHost host = builder.Build();
try
{
    host.Services.GetRequiredService<IStartupValidator>().Validate();
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"publisher-sample: {string.Join(" ", ex.Failures)}");
    return 1;
}

ITagEventPublisher publisher = host.Services.GetRequiredService<ITagEventPublisher>();
TagEventPublishResult result = await publisher.PublishAsync(segment);
Console.WriteLine($"sent {result.MessageCount} messages in {result.BatchCount} batches");
MessageTable.Write(Console.Out, segment, settings, result.Messages);
await host.Services.GetRequiredService<TagEventPublisher>().DisposeAsync();
return 0;
