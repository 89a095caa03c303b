using System.Collections.Concurrent;
using System.Globalization;
using TagWorker.ImApi;

namespace TagWorker.Tests.TestDoubles;

/// <summary>
/// An in-memory IM API for unit tests of the dispatcher and coordinator: applies successful requests to its tag state,
/// answers scripted outcomes, and can hold calls for chosen users until the test releases them. Like the vendor's API
/// (and the simulator), it can refuse chosen (user, tag) adds and enforce the per-user tag cap; a refused add changes
/// nothing for any user of the request.
/// </summary>
internal sealed class FakeImApi : IImTagClient
{
    private readonly ConcurrentDictionary<string, HashSet<string>> _state = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TagRequest> _calls = new();
    private readonly ConcurrentQueue<TagRequest> _applied = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _heldArrivals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), byte> _refusedTags = new();
    private readonly ConcurrentDictionary<(string, string), TaskCompletionSource> _tagApplied = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _appliedWaiters = [];
    private int _callCount;

    /// <summary>Completes once <paramref name="account"/> holds <paramref name="tag"/>.</summary>
    public Task WhenTagApplied(string account, string tag) =>
        _tagApplied.GetOrAdd((account, tag), static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Completes once <paramref name="count"/> calls were applied.</summary>
    public Task WhenAppliedCalls(int count)
    {
        lock (_state)
        {
            if (_applied.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _appliedWaiters.Add((count, done));
            return done.Task;
        }
    }

    /// <summary>Decides the outcome of a call before it is applied; null means go on (apply it).</summary>
    public Func<TagRequest, int, ImCallResult?>? Script { get; set; }

    /// <summary>
    /// Decides, after a call was applied, whether its answer is lost anyway (e.g. 91000 or a dropped connection after the
    /// state changed, the worst case for a client); null means the call succeeds.
    /// </summary>
    public Func<TagRequest, int, ImCallResult?>? ScriptAfterApply { get; set; }

    /// <summary>Called when a call arrives, before anything else (the call is on the wire).</summary>
    public Action<TagRequest>? OnCall { get; set; }

    /// <summary>Most tags a user may hold (the vendor's cap is 100); null for no cap.</summary>
    public int? MaxTagsPerUser { get; set; }

    /// <summary>Every call made, in arrival order.</summary>
    public IReadOnlyList<TagRequest> Calls => [.. _calls];

    /// <summary>The calls that changed the state (or would have, for a no-op), in the order they were applied.</summary>
    public IReadOnlyList<TagRequest> AppliedCalls => [.. _applied];

    public static ImCallResult Ok { get; } = new(ImOutcomeKind.Success, 0, string.Empty, 200, null);

    public static ImCallResult Code(int code, string info = "scripted") => new(ImErrorClassifier.Classify(code), code, info, 200, null);

    /// <summary>Refuses, with 90020, every add that gives <paramref name="tag"/> to <paramref name="account"/>.</summary>
    public void RefuseTag(string account, string tag) => _refusedTags[(account, tag)] = 0;

    /// <summary>Whether an add of <paramref name="tag"/> to <paramref name="account"/> is refused.</summary>
    public bool Refuses(string account, string tag) => _refusedTags.ContainsKey((account, tag));

    /// <summary>Sets a user's tags directly (the state before the test's events).</summary>
    public void Seed(string account, IEnumerable<string> tags)
    {
        lock (_state)
        {
            _state[account] = new HashSet<string>(tags, StringComparer.Ordinal);
        }
    }

    /// <summary>Holds every call that carries <paramref name="account"/> until <see cref="Release"/>.</summary>
    public Task Hold(string account)
    {
        _holds[account] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _heldArrivals[account] = arrived;
        return arrived.Task;
    }

    public void Release(string account)
    {
        if (_holds.TryRemove(account, out var hold))
        {
            hold.TrySetResult();
        }
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Snapshot()
    {
        lock (_state)
        {
            return _state.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);
        }
    }

    public async Task<ImCallResult> SendAsync(TagRequest request, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _callCount) - 1;
        _calls.Enqueue(request);
        OnCall?.Invoke(request);
        foreach (var user in request.Users)
        {
            if (_holds.TryGetValue(user.Account, out var hold))
            {
                _heldArrivals[user.Account].TrySetResult();
                await hold.Task.WaitAsync(cancellationToken);
            }
        }

        var scripted = Script?.Invoke(request, number);
        if (scripted is { IsSuccess: false })
        {
            return scripted;
        }

        lock (_state)
        {
            if (Refusal(request) is { } refusal)
            {
                return refusal;
            }

            foreach (var user in request.Users)
            {
                var tags = _state.GetOrAdd(user.Account, static _ => new HashSet<string>(StringComparer.Ordinal));
                switch (request.Command)
                {
                    case ImCommand.AddTag:
                        tags.UnionWith(user.Tags);
                        break;
                    case ImCommand.RemoveTag:
                        tags.ExceptWith(user.Tags);
                        break;
                    case ImCommand.RemoveAllTags:
                        tags.Clear();
                        break;
                }
            }

            _applied.Enqueue(request);
            foreach (var waiter in _appliedWaiters.Where(w => w.Count <= _applied.Count).ToList())
            {
                _appliedWaiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }

        if (request.Command == ImCommand.AddTag)
        {
            foreach (var user in request.Users)
            {
                foreach (var tag in user.Tags)
                {
                    _tagApplied.GetOrAdd((user.Account, tag), static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }
            }
        }

        return ScriptAfterApply?.Invoke(request, number) ?? Ok;
    }

    public Task<ImGetTagsResult> GetTagsAsync(IReadOnlyList<string> accounts, CancellationToken cancellationToken)
    {
        var outcome = Script?.Invoke(new TagRequest(ImCommand.GetTag, [.. accounts.Select(a => new UserTags(a, []))]), -1) ?? Ok;
        return Task.FromResult(new ImGetTagsResult(outcome, []));
    }

    /// <summary>Why the API refuses an add as a whole (a refused tag, or a user over the cap), checked per user in request order.</summary>
    private ImCallResult? Refusal(TagRequest request)
    {
        if (request.Command != ImCommand.AddTag)
        {
            return null;
        }

        foreach (var user in request.Users)
        {
            foreach (var tag in user.Tags)
            {
                if (_refusedTags.ContainsKey((user.Account, tag)))
                {
                    return Code(ImErrorCodes.TagTooLong, string.Create(CultureInfo.InvariantCulture, $"Account {user.Account}: tag {tag} is refused (test)."));
                }
            }

            if (MaxTagsPerUser is { } cap)
            {
                var held = _state.TryGetValue(user.Account, out var tags) ? tags : [];
                var after = held.Count + user.Tags.Distinct(StringComparer.Ordinal).Count(t => !held.Contains(t));
                if (after > cap)
                {
                    return Code(ImErrorCodes.TooManyTagsPerUser, string.Create(CultureInfo.InvariantCulture, $"Account {user.Account} would hold {after} tags; a user holds at most {cap}."));
                }
            }
        }

        return null;
    }
}
