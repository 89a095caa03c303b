using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using TagWorker.ImApi;
using TagWorker.Telemetry;

namespace TagWorker.Dispatch;

/// <summary>
/// Sends one planned request through the rate budget and the resilience pipeline and reports each user's outcome.
/// Retries, frequency-limit backoff and signature renewal are Polly strategies; what Polly cannot express — splitting
/// a request the API found too large, and bisecting a rejected one until the rejected users stand alone so that one
/// bad user never fails 99 good ones — is done here, each half going through the whole pipeline again.
/// </summary>
public sealed class RequestDispatcher : IDisposable
{
    private readonly IImTagClient _client;
    private readonly IEndpointRateLimiter _rateLimiter;
    private readonly ConfigurationFaultCircuit _circuit;
    private readonly TagWorkerMetrics _metrics;
    private readonly TagWorkerActivitySource _activities;
    private readonly ILogger<RequestDispatcher> _logger;
    private readonly Dictionary<ImCommand, SemaphoreSlim> _concurrency;
    private readonly Dictionary<ImCommand, ResiliencePipeline<ImCallResult>> _pipelines;
    private readonly int _maxAttempts;

    public RequestDispatcher(
        IImTagClient client,
        UserSigProvider userSigProvider,
        IEndpointRateLimiter rateLimiter,
        ConfigurationFaultCircuit circuit,
        OutageCircuit outage,
        IOptions<ImApiOptions> imApiOptions,
        IOptions<RetryOptions> retryOptions,
        IOptions<CircuitOptions> circuitOptions,
        TagWorkerMetrics metrics,
        TagWorkerActivitySource activities,
        TimeProvider timeProvider,
        ILogger<RequestDispatcher> logger)
    {
        _activities = activities;
        _client = client;
        _rateLimiter = rateLimiter;
        _circuit = circuit;
        _metrics = metrics;
        _logger = logger;
        _concurrency = Enum.GetValues<ImCommand>().ToDictionary(static c => c, _ => new SemaphoreSlim(imApiOptions.Value.MaxConcurrentRequests));
        _maxAttempts = retryOptions.Value.MaxAttempts;
        // One pipeline per endpoint: an outage of one endpoint (its breaker open) must not hold the others' calls.
        _pipelines = Enum.GetValues<ImCommand>().ToDictionary(
            static c => c,
            c => BuildPipeline(c, retryOptions.Value, circuitOptions.Value, userSigProvider, circuit, outage, metrics, timeProvider, logger));
    }

    /// <summary>
    /// Sends <paramref name="request"/> until every user in it is applied, failed for good or abandoned.
    /// Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public Task<IReadOnlyList<UserOutcome>> DispatchAsync(TagRequest request, CancellationToken cancellationToken) =>
        DispatchAsync(request, links: null, cancellationToken);

    /// <summary>As <see cref="DispatchAsync(TagRequest, CancellationToken)"/>; each call's span links to <paramref name="links"/> (the messages' spans).</summary>
    public async Task<IReadOnlyList<UserOutcome>> DispatchAsync(TagRequest request, IReadOnlyList<ActivityLink>? links, CancellationToken cancellationToken)
    {
        if (request.Users.Count == 0)
        {
            return [];
        }

        ImCallResult result;
        try
        {
            result = await _pipelines[request.Command].ExecuteAsync(
                static (state, ct) => state.Self.SendOnceAsync(state.Request, state.Attempts, state.Links, ct),
                (Self: this, Request: request, Attempts: new StrongBox<int>(), Links: links),
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            return AllUsers(request, UserOutcome.Abandoned);
        }

        switch (result.Kind)
        {
            case ImOutcomeKind.Success:
                return AllUsers(request, UserOutcome.Applied);

            case ImOutcomeKind.RequestTooLarge when request.Users.Count > 1:
                Log.RequestSplit(_logger, ImCommandPaths.ToSegment(request.Command), request.Users.Count, result.ErrorCode);
                return await DispatchHalvesAsync(request, links, cancellationToken).ConfigureAwait(false);

            case ImOutcomeKind.Rejected when request.Users.Count > 1:
                Log.RequestBisected(_logger, ImCommandPaths.ToSegment(request.Command), request.Users.Count, result.ErrorCode, result.ErrorInfo);
                return await DispatchHalvesAsync(request, links, cancellationToken).ConfigureAwait(false);

            case ImOutcomeKind.Rejected or ImOutcomeKind.RequestTooLarge:
                Log.UserRejected(_logger, ImCommandPaths.ToSegment(request.Command), request.Users[0].Account, result.ErrorCode, result.ErrorInfo);
                return AllUsers(request, account => UserOutcome.Failed(account, result.ErrorCode, result.ErrorInfo));

            case ImOutcomeKind.Retryable:
                Log.RetriesExhausted(_logger, ImCommandPaths.ToSegment(request.Command), request.Users.Count, _maxAttempts, result.ErrorCode, result.FaultDescription ?? result.ErrorInfo);
                return AllUsers(request, account => UserOutcome.RetriesExhausted(account, result.ErrorCode, result.FaultDescription ?? result.ErrorInfo));

            default:
                // A configuration fault, or a signature fault that survived renewal: ours, not the messages'.
                var fault = $"{result.Kind} {result.ErrorCode}: {result.ErrorInfo}";
                Log.ConfigurationFault(_logger, ImCommandPaths.ToSegment(request.Command), result.ErrorCode, result.ErrorInfo);
                await _circuit.OpenAsync(fault, request.Command, CancellationToken.None).ConfigureAwait(false);
                return AllUsers(request, UserOutcome.Abandoned);
        }
    }

    public void Dispose()
    {
        foreach (var semaphore in _concurrency.Values)
        {
            semaphore.Dispose();
        }
    }

    private async Task<IReadOnlyList<UserOutcome>> DispatchHalvesAsync(TagRequest request, IReadOnlyList<ActivityLink>? links, CancellationToken cancellationToken)
    {
        var half = request.Users.Count / 2;
        var first = DispatchAsync(request with { Users = request.Users.Take(half).ToArray() }, links, cancellationToken);
        var second = DispatchAsync(request with { Users = request.Users.Skip(half).ToArray() }, links, cancellationToken);
        var outcomes = await Task.WhenAll(first, second).ConfigureAwait(false);
        return [.. outcomes[0], .. outcomes[1]];
    }

    private async ValueTask<ImCallResult> SendOnceAsync(TagRequest request, StrongBox<int> attempts, IReadOnlyList<ActivityLink>? links, CancellationToken cancellationToken)
    {
        attempts.Value++;
        // The slot first, the token last: a token taken long before the call leaves would let calls bunch up at the
        // API and break its one-second window even though the bucket never gave out too many.
        var slot = _concurrency[request.Command];
        await slot.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var paced = await _rateLimiter.WaitAsync(request.Command, cancellationToken).ConfigureAwait(false);
            using var span = _activities.StartImCall(request.Command, request.Users.Count, attempts.Value, links);
            var result = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            span.SetOutcome(result.Kind, result.ErrorCode);
            // The pacer learns from the answer: a frequency limit slows the endpoint down, a success lets it speed up.
            if (result.Kind == ImOutcomeKind.RateLimited)
            {
                _rateLimiter.OnFrequencyLimited(paced);
            }
            else if (result.Kind == ImOutcomeKind.Success)
            {
                _rateLimiter.OnSuccess(paced);
            }

            _metrics.CallCompleted(request.Command, result.Kind, request.Users.Count);
            return result;
        }
        finally
        {
            slot.Release();
        }
    }

    private static UserOutcome[] AllUsers(TagRequest request, Func<string, UserOutcome> outcome)
    {
        var outcomes = new UserOutcome[request.Users.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = outcome(request.Users[i].Account);
        }

        return outcomes;
    }

    private static ResiliencePipeline<ImCallResult> BuildPipeline(
        ImCommand command,
        RetryOptions retry,
        CircuitOptions circuitOptions,
        UserSigProvider userSigProvider,
        ConfigurationFaultCircuit circuit,
        OutageCircuit outage,
        TagWorkerMetrics metrics,
        TimeProvider timeProvider,
        ILogger logger)
    {
        var endpoint = ImCommandPaths.ToSegment(command);
        return new ResiliencePipelineBuilder<ImCallResult> { TimeProvider = timeProvider }
            // Outermost: refuse every call while the configuration-fault circuit is isolated. It never trips by
            // itself; the dispatcher isolates it on a configuration fault and the probe closes it.
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ImCallResult>
            {
                Name = "ConfigurationFault",
                ManualControl = circuit.ManualControl,
                ShouldHandle = static _ => PredicateResult.False(),
            })
            // Frequency limits are the API asking us to slow down, not a failure of the messages: back off without
            // limit (shutdown cancels) and without spending the request's retry budget.
            .AddRetry(new RetryStrategyOptions<ImCallResult>
            {
                Name = "FrequencyLimit",
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result?.Kind == ImOutcomeKind.RateLimited),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retry.FrequencyLimitDelay,
                MaxDelay = retry.MaxDelay,
                OnRetry = args =>
                {
                    metrics.FrequencyLimitAnswered();
                    Log.FrequencyLimited(logger, args.Outcome.Result?.ErrorCode ?? 0, args.RetryDelay);
                    return default;
                },
            })
            // While the endpoint's outage breaker (innermost) is open, a call waits for it to let one through instead
            // of failing: the messages stay held, none is abandoned into a growing delivery count, and the attempts
            // of the Retryable strategy start afresh once the endpoint answers again.
            .AddRetry(new RetryStrategyOptions<ImCallResult>
            {
                Name = "OutageWait",
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is BrokenCircuitException and not IsolatedCircuitException),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Exception is BrokenCircuitException { RetryAfter: { } after } && after > TimeSpan.Zero ? after : circuitOptions.OutageBreakDuration),
            })
            // An expired or rejected signature is renewed once; if the fresh one fails too it is a configuration fault.
            .AddRetry(new RetryStrategyOptions<ImCallResult>
            {
                Name = "UserSigRenewal",
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result?.Kind == ImOutcomeKind.SignatureFault),
                MaxRetryAttempts = 1,
                Delay = TimeSpan.Zero,
                OnRetry = args =>
                {
                    userSigProvider.Invalidate();
                    Log.UserSigRenewed(logger, args.Outcome.Result?.ErrorCode ?? 0);
                    return default;
                },
            })
            .AddRetry(new RetryStrategyOptions<ImCallResult>
            {
                Name = "Retryable",
                // Polly needs at least one retry here; Retry:MaxAttempts = 1 (no retry at all) handles nothing instead.
                ShouldHandle = args => ValueTask.FromResult(retry.MaxAttempts > 1 && args.Outcome.Result?.Kind == ImOutcomeKind.Retryable),
                MaxRetryAttempts = Math.Max(1, retry.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                OnRetry = args =>
                {
                    metrics.RetryScheduled();
                    Log.RetryScheduled(logger, args.AttemptNumber + 1, args.Outcome.Result?.ErrorCode ?? 0, args.Outcome.Result?.FaultDescription, args.RetryDelay);
                    return default;
                },
            })
            // Innermost, so it sees every attempt: a sustained share of retryable faults is an outage of the endpoint,
            // not bad luck of a request. Its half-open trial is the next held request, a write on exactly the endpoint
            // that failed.
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ImCallResult>
            {
                Name = "Outage",
                FailureRatio = circuitOptions.OutageFailureRatio,
                MinimumThroughput = circuitOptions.OutageMinimumThroughput,
                SamplingDuration = circuitOptions.OutageSamplingDuration,
                BreakDuration = circuitOptions.OutageBreakDuration,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result?.Kind == ImOutcomeKind.Retryable),
                OnOpened = args =>
                {
                    var fault = args.Outcome.Result is { } result ? $"{result.ErrorCode} {result.FaultDescription ?? result.ErrorInfo}".Trim() : "retryable faults";
                    outage.Opened(command, fault);
                    Log.OutageOpened(logger, endpoint, fault, args.BreakDuration);
                    return default;
                },
                OnClosed = _ =>
                {
                    outage.Closed(command);
                    Log.OutageClosed(logger, endpoint);
                    return default;
                },
            })
            .Build();
    }
}
