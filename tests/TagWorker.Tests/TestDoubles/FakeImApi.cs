using System.Collections.Concurrent;
using TagWorker.ImApi;

namespace TagWorker.Tests.TestDoubles;

/// <summary>
/// An in-memory IM API for unit tests of the dispatcher and coordinator: applies successful requests to its tag state,
/// answers scripted outcomes, and can hold calls for chosen users until the test releases them.
/// </summary>
internal sealed class FakeImApi : IImTagClient
{
    private readonly ConcurrentDictionary<string, HashSet<string>> _state = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TagRequest> _calls = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _heldArrivals = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<(string, string), TaskCompletionSource> _applied = new();

    /// <summary>Completes once <paramref name="account"/> holds <paramref name="tag"/>.</summary>
    public Task WhenTagApplied(string account, string tag) =>
        _applied.GetOrAdd((account, tag), static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Decides the outcome of a call before it is applied; null means success.</summary>
    public Func<TagRequest, int, ImCallResult?>? Script { get; set; }

    public IReadOnlyList<TagRequest> Calls => [.. _calls];

    public static ImCallResult Ok { get; } = new(ImOutcomeKind.Success, 0, string.Empty, 200, null);

    public static ImCallResult Code(int code, string info = "scripted") => new(ImErrorClassifier.Classify(code), code, info, 200, null);

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

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Snapshot() =>
        _state.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);

    public async Task<ImCallResult> SendAsync(TagRequest request, CancellationToken cancellationToken)
    {
        var number = _calls.Count;
        _calls.Enqueue(request);
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
            foreach (var user in request.Users)
            {
                var tags = _state.GetOrAdd(user.Account, static _ => new HashSet<string>(StringComparer.Ordinal));
                switch (request.Command)
                {
                    case ImCommand.AddTag:
                        tags.UnionWith(user.Tags);
                        foreach (var tag in user.Tags)
                        {
                            _applied.GetOrAdd((user.Account, tag), static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                        }

                        break;
                    case ImCommand.RemoveTag:
                        tags.ExceptWith(user.Tags);
                        break;
                    case ImCommand.RemoveAllTags:
                        tags.Clear();
                        break;
                }
            }
        }

        return Ok;
    }

    public Task<ImGetTagsResult> GetTagsAsync(IReadOnlyList<string> accounts, CancellationToken cancellationToken)
    {
        var outcome = Script?.Invoke(new TagRequest(ImCommand.GetTag, [.. accounts.Select(a => new UserTags(a, []))]), -1) ?? Ok;
        return Task.FromResult(new ImGetTagsResult(outcome, []));
    }
}
