using System.Globalization;
using System.Runtime.CompilerServices;
using TagWorker.Dispatch;
using TagWorker.ImApi;

namespace TagWorker.Cli;

/// <summary>
/// Reads users' tags in calls of at most <see cref="MaxUsersPerCall"/> (the API's limit), each call waiting for the
/// endpoint's rate budget. A transient answer (91000, HTTP 5xx, a frequency limit, an expired signature) is retried
/// a few times with a growing pause; anything else fails that call's users and the others are still read.
/// </summary>
internal sealed class UserTagsReader(IImTagClient client, IEndpointRateLimiter rateLimiter, TimeProvider timeProvider)
{
    /// <summary><c>im_get_tag</c> takes at most 100 accounts a request.</summary>
    public const int MaxUsersPerCall = 100;

    private const int MaxAttempts = 3;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>One call's result per chunk, in the order the users were given (duplicates asked once).</summary>
    public async IAsyncEnumerable<UserTagsChunk> ReadAsync(IReadOnlyList<string> users, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var chunk in users.Distinct(StringComparer.Ordinal).Chunk(MaxUsersPerCall))
        {
            yield return await ReadChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<UserTagsChunk> ReadChunkAsync(string[] users, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            await rateLimiter.WaitAsync(ImCommand.GetTag, cancellationToken).ConfigureAwait(false);
            var result = await client.GetTagsAsync(users, cancellationToken).ConfigureAwait(false);
            if (result.IsSuccess)
            {
                // The answer lists the accounts it knows; one it does not mention holds no tags.
                var byUser = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var entry in result.Users)
                {
                    byUser.TryAdd(entry.Account, entry.Tags);
                }

                return new UserTagsChunk(users, [.. users.Select(u => (u, byUser.GetValueOrDefault(u) ?? []))], null);
            }

            var transient = result.Outcome.Kind is ImOutcomeKind.Retryable or ImOutcomeKind.RateLimited or ImOutcomeKind.SignatureFault;
            if (!transient || attempt >= MaxAttempts)
            {
                return new UserTagsChunk(users, [], Describe(result.Outcome, attempt));
            }

            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            delay *= 2;
        }
    }

    private static string Describe(ImCallResult outcome, int attempts)
    {
        var what = outcome.FaultDescription
            ?? string.Create(CultureInfo.InvariantCulture, $"code {outcome.ErrorCode}{(string.IsNullOrEmpty(outcome.ErrorInfo) ? string.Empty : $" ({outcome.ErrorInfo})")}");
        return string.Create(CultureInfo.InvariantCulture, $"{outcome.Kind}: {what}, after {attempts} attempt{(attempts == 1 ? string.Empty : "s")}");
    }
}

/// <summary>One <c>im_get_tag</c> call's users and either their tags or why the call failed.</summary>
internal sealed record UserTagsChunk(IReadOnlyList<string> Users, IReadOnlyList<(string User, IReadOnlyList<string> Tags)> Tags, string? Failure);
