using System.Diagnostics;
using System.Reflection;
using TagWorker.ImApi;

namespace TagWorker.Telemetry;

/// <summary>
/// The worker's spans, on the <c>TagWorker</c> activity source: one per IM call (a client span whose HTTP call is its
/// child) and one per message processed (a consumer span linked to the publisher's trace context). Both start as
/// roots: an IM call carries up to 100 users from many messages, and a message's processing spans the pipeline's
/// stages, so neither belongs under whatever span happens to be current.
/// </summary>
/// <remarks>
/// Every method returns null when nothing listens (no exporter, or sampled out); the extension methods in
/// <see cref="TagWorkerActivityExtensions"/> accept null, so call sites need no checks.
/// </remarks>
public sealed class TagWorkerActivitySource : IDisposable
{
    public const string Name = "TagWorker";

    private readonly ActivitySource _source;
    private readonly MessagingDestination _destination;
    private readonly string _processSpanName;

    public TagWorkerActivitySource(MessagingDestination? destination = null)
    {
        _destination = destination ?? MessagingDestination.Unspecified;
        _source = new ActivitySource(Name, typeof(TagWorkerActivitySource).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
        // The conventions' span name: "{operation} {destination}".
        _processSpanName = $"{MessagingAttributes.Operations.Process} {_destination.Name}";
    }

    /// <summary>The underlying source (for listeners in tests).</summary>
    public ActivitySource Source => _source;

    /// <summary>
    /// Starts the span of one IM call and makes it current, so the HTTP client's span nests under it. End it with
    /// <see cref="TagWorkerActivityExtensions.SetOutcome"/> and dispose it.
    /// </summary>
    /// <param name="command">The endpoint.</param>
    /// <param name="userCount">Users in the request.</param>
    /// <param name="attempt">1 for the first try of this request, 2 for its first retry, and so on.</param>
    /// <param name="links">The message spans whose users the call carries, if the caller has them.</param>
    public Activity? StartImCall(ImCommand command, int userCount, int attempt, IEnumerable<ActivityLink>? links = null)
    {
        if (!_source.HasListeners())
        {
            return null;
        }

        var endpoint = ImCommandPaths.ToSegment(command);
        var tags = new ActivityTagsCollection
        {
            [TagWorkerAttributes.Endpoint] = endpoint,
            [TagWorkerAttributes.Users] = userCount,
            [TagWorkerAttributes.Attempt] = attempt,
        };

        // A root: parentContext default would mean "under Activity.Current".
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = _source.StartActivity(endpoint, ActivityKind.Client, default(ActivityContext), tags, links);
        if (activity is null)
        {
            Activity.Current = previous;
        }

        return activity;
    }

    /// <summary>
    /// Starts the span of one message's processing, linked to the publisher's context parsed from
    /// <paramref name="diagnosticId"/> (the W3C <c>traceparent</c> Service Bus carries as <c>Diagnostic-Id</c>; an
    /// unparsable one is ignored). The span is not made current: it lives until the message is settled, across the
    /// pipeline's stages. End it with <see cref="TagWorkerActivityExtensions.EndWithSettlement"/>.
    /// </summary>
    public Activity? StartMessage(string messageId, string? diagnosticId, string? sessionId = null)
    {
        if (!_source.HasListeners())
        {
            return null;
        }

        var tags = new ActivityTagsCollection();
        foreach (var attribute in _destination.Attributes(MessagingAttributes.Operations.Process, MessagingAttributes.OperationTypes.Process))
        {
            tags[attribute.Key] = attribute.Value;
        }

        tags[MessagingAttributes.MessageId] = messageId;
        if (sessionId is not null)
        {
            tags[TagWorkerAttributes.SessionId] = sessionId;
        }

        ActivityLink[]? links = null;
        if (diagnosticId is not null && ActivityContext.TryParse(diagnosticId, traceState: null, isRemote: true, out var publisher))
        {
            links = [new ActivityLink(publisher)];
        }

        var previous = Activity.Current;
        Activity.Current = null;
        var activity = _source.StartActivity(_processSpanName, ActivityKind.Consumer, default(ActivityContext), tags, links);
        Activity.Current = previous;
        return activity;
    }

    public void Dispose() => _source.Dispose();
}
