using TagWorker.Contracts;
using TagWorker.Dispatch;
using TagWorker.ImApi;
using TagWorker.Sources;

namespace TagWorker.Benchmarks.Compare;

/// <summary>
/// The consumer most services would write first: one API call per event (more only where the API's limits force it:
/// over 100 users or 10 tags), through the worker's own pacer (<see cref="IEndpointRateLimiter"/>) and IM client, up
/// to <c>maxConcurrent</c> events at once. A user's events still apply in order (an event waits for the previous
/// event of each of its users), or the state check could not pass; a frequency-limit answer waits
/// <see cref="RetryOptions.FrequencyLimitDelay"/> and a transient fault <see cref="RetryOptions.BaseDelay"/> before the
/// same call goes again. Each event's message is completed once its calls succeeded.
/// </summary>
internal sealed class NaiveConsumer(IEndpointRateLimiter limiter, IImTagClient client, RetryOptions retry, int maxConcurrent) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxConcurrent, maxConcurrent);
    private readonly Dictionary<string, Task> _lastOfUser = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _failed;

    /// <summary>Events whose calls failed for good (the state check will then fail too).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public void Dispose() => _slots.Dispose();

    /// <summary>The source's hand-off: waits for a slot, chains the event behind its users' previous ones, returns.</summary>
    public async ValueTask OnMessageAsync(SourceMessage message, CancellationToken cancellationToken)
    {
        var parsed = TagChangeEventParser.Parse(message.Body.Span);
        if (!parsed.IsValid)
        {
            await message.DeadLetterAsync("InvalidEvent", parsed.Describe(), cancellationToken).ConfigureAwait(false);
            return;
        }

        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var tagEvent = parsed.Event!;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = new List<Task>(tagEvent.Users.Count);
        lock (_gate)
        {
            foreach (var user in tagEvent.Users)
            {
                if (_lastOfUser.TryGetValue(user, out var previous) && !previous.IsCompleted)
                {
                    before.Add(previous);
                }

                _lastOfUser[user] = done.Task;
            }
        }

        _ = ProcessAsync(message, tagEvent, before, done, cancellationToken);
    }

    private async Task ProcessAsync(SourceMessage message, TagChangeEvent tagEvent, List<Task> before, TaskCompletionSource done, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(before).ConfigureAwait(false);
            foreach (var request in Requests(tagEvent))
            {
                if (!await SendAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _failed);
                }
            }

            await message.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            done.TrySetResult();
            _slots.Release();
            lock (_gate)
            {
                foreach (var user in tagEvent.Users)
                {
                    if (_lastOfUser.TryGetValue(user, out var last) && ReferenceEquals(last, done.Task))
                    {
                        _lastOfUser.Remove(user);
                    }
                }
            }
        }
    }

    private async Task<bool> SendAsync(TagRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var paced = await limiter.WaitAsync(request.Command, cancellationToken).ConfigureAwait(false);
            var result = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            switch (result.Kind)
            {
                case ImOutcomeKind.Success:
                    // The same feedback the dispatcher gives, so the adaptive pacer works for this consumer too.
                    limiter.OnSuccess(paced);
                    return true;
                case ImOutcomeKind.RateLimited:
                    limiter.OnFrequencyLimited(paced);
                    await Task.Delay(retry.FrequencyLimitDelay, cancellationToken).ConfigureAwait(false);
                    break;
                case ImOutcomeKind.Retryable or ImOutcomeKind.SignatureFault when attempt < retry.MaxAttempts:
                    await Task.Delay(retry.BaseDelay, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    return false;
            }
        }
    }

    /// <summary>The event as calls: one, unless it has more than 100 users or 10 tags.</summary>
    private static IEnumerable<TagRequest> Requests(TagChangeEvent tagEvent)
    {
        var command = tagEvent.Op switch
        {
            TagOperation.Add => ImCommand.AddTag,
            TagOperation.Remove => ImCommand.RemoveTag,
            _ => ImCommand.RemoveAllTags,
        };
        string[][] tagChunks = command == ImCommand.RemoveAllTags ? [[]] : [.. tagEvent.Tags.Chunk(FoldedMinimum.MaxTags)];
        foreach (var users in tagEvent.Users.Chunk(FoldedMinimum.MaxUsers))
        {
            foreach (var tags in tagChunks)
            {
                yield return new TagRequest(command, [.. users.Select(user => new UserTags(user, tags))]);
            }
        }
    }
}
