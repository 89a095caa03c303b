using TagWorker.ImApi;
using TagWorker.ImSimulator.Faults;
using TagWorker.ImSimulator.Hosting;
using TagWorker.ImSimulator.Stats;

namespace TagWorker.ImSimulator.Api;

/// <summary>
/// Answers one call to <c>/v4/all_member_push/{command}</c>. Steps, each of which may answer and stop:
/// unknown command (60009); the endpoint's frequency limit (60007); query parameters and UserSig
/// (<see cref="RequestAuthenticator"/>); injected faults (<see cref="FaultInjector"/>); the body's shape
/// (<see cref="TagRequestReader"/>) and limits (<see cref="TagRequestValidator"/>); the per-user cap of 100 tags while
/// applying. A request is applied whole or not at all. HTTP is 200 except for an injected 502, a dropped connection or a
/// lost response (processed, then the connection aborted).
/// </summary>
internal sealed class TagCallHandler(SimulatorCore core, ILogger<TagCallHandler> logger, IHostApplicationLifetime lifetime)
{
    public async Task HandleAsync(HttpContext http, string? segment)
    {
        var cancellationToken = http.RequestAborted;
        if (!ImCommandPaths.TryParse(segment, out var parsedCommand))
        {
            await WriteAsync(http, ImResponse.Fail(SimulatorErrorCodes.UnknownResource, "Unknown command; check the request URL."), cancellationToken).ConfigureAwait(false);
            return;
        }

        var command = parsedCommand.Value;
        var name = ImCommandPaths.ToSegment(command);
        var counters = core.Statistics.For(command);
        counters.CallReceived();

        var limiter = core.Limiters.For(command);
        if (!limiter.TryAcquire())
        {
            counters.Violation();
            Log.FrequencyLimitExceeded(logger, name, limiter.Limit);
            await WriteAsync(
                http,
                ImResponse.Fail(ImErrorCodes.RestFrequencyExceeded, "REST API call frequency exceeded the limit; lower the request rate."),
                cancellationToken).ConfigureAwait(false);
            return;
        }

        if (core.Authenticator.Check(http.Request.Query) is { } authFailure)
        {
            await FailAsync(http, name, counters, authFailure, cancellationToken).ConfigureAwait(false);
            return;
        }

        var fault = core.Faults.Decide();
        if (!await ApplyFaultAsync(http, name, counters, fault, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var call = await TagRequestReader.ReadAsync(command, http.Request.Body, cancellationToken).ConfigureAwait(false);
        if ((call.Failure ?? TagRequestValidator.Validate(call.Request!)) is { } bodyFailure)
        {
            if (!LoseResponse(http, name, counters, fault))
            {
                await FailAsync(http, name, counters, bodyFailure, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var request = call.Request!;
        var response = Apply(request);
        if (LoseResponse(http, name, counters, fault))
        {
            return;
        }

        if (response.ErrorCode != ImErrorCodes.Success)
        {
            await FailAsync(http, name, counters, response, cancellationToken).ConfigureAwait(false);
            return;
        }

        counters.Succeeded(request.Users.Count, request.Users.Sum(user => user.Tags.Count));
        await WriteAsync(http, response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The lost-response fault: the call was processed (any change is in the state), and the connection is now aborted
    /// so the client sees no answer at all. True when it fired.
    /// </summary>
    private bool LoseResponse(HttpContext http, string name, EndpointCounters counters, FaultDecision fault)
    {
        if (!fault.LoseResponse)
        {
            return false;
        }

        counters.FaultInjected();
        counters.LostResponse();
        counters.Failed();
        Log.FaultInjected(logger, name, "LostResponse");
        http.Abort();
        return true;
    }

    /// <summary>Waits out the drawn latency and answers an outcome-changing fault; false when the call is finished.</summary>
    private async Task<bool> ApplyFaultAsync(HttpContext http, string name, EndpointCounters counters, FaultDecision fault, CancellationToken cancellationToken)
    {
        if (fault.Delay > TimeSpan.Zero)
        {
            // Shutting down must not wait for a delay that a fake clock might never end.
            using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            try
            {
                await Task.Delay(fault.Delay, core.TimeProvider, delayCancellation.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (delayCancellation.IsCancellationRequested)
            {
                counters.Failed();
                http.Abort();
                return false;
            }
        }

        if (fault.Kind == FaultKind.None)
        {
            return true;
        }

        counters.FaultInjected();
        Log.FaultInjected(logger, name, fault.Kind.ToString());
        switch (fault.Kind)
        {
            case FaultKind.ForcedError:
                await FailAsync(http, name, counters, ImResponse.Fail(fault.ErrorCode, "Injected fault: forced error code."), cancellationToken).ConfigureAwait(false);
                break;
            case FaultKind.InternalError:
                await FailAsync(http, name, counters, ImResponse.Fail(ImErrorCodes.InternalError, "Internal server error; retry."), cancellationToken).ConfigureAwait(false);
                break;
            case FaultKind.BadGateway:
                counters.Failed();
                http.Response.StatusCode = StatusCodes.Status502BadGateway;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync("502 Bad Gateway", cancellationToken).ConfigureAwait(false);
                break;
            default:
                counters.Failed();
                http.Abort();
                break;
        }

        return false;
    }

    private ImResponse Apply(TagRequest request)
    {
        switch (request.Command)
        {
            case ImCommand.AddTag:
                return core.Store.TryAdd(request.Users, TagApiLimits.MaxTagsPerUser) is { } breach
                    ? ImResponse.Fail(
                        ImErrorCodes.TooManyTagsPerUser,
                        $"Account {breach.Account} would hold {breach.TagsAfter} tags; a user holds at most {TagApiLimits.MaxTagsPerUser}. Remove tags before adding.")
                    : ImResponse.Ok();
            case ImCommand.RemoveTag:
                core.Store.Remove(request.Users);
                return ImResponse.Ok();
            case ImCommand.RemoveAllTags:
                core.Store.RemoveAll(request.Users.Select(user => user.Account).ToList());
                return ImResponse.Ok();
            default:
                return new GetTagResponse { UserTags = core.Store.Get(request.Users.Select(user => user.Account).ToList()) };
        }
    }

    private Task FailAsync(HttpContext http, string name, EndpointCounters counters, ImResponse failure, CancellationToken cancellationToken)
    {
        counters.Failed();
        Log.CallFailed(logger, name, failure.ErrorCode, failure.ErrorInfo);
        return WriteAsync(http, failure, cancellationToken);
    }

    private static Task WriteAsync(HttpContext http, ImResponse response, CancellationToken cancellationToken) =>
        response is GetTagResponse getTag
            ? http.Response.WriteAsJsonAsync(getTag, ImApiJsonContext.Default.GetTagResponse, contentType: null, cancellationToken)
            : http.Response.WriteAsJsonAsync(response, ImApiJsonContext.Default.ImResponse, contentType: null, cancellationToken);
}
