using TagWorker.Contracts;

namespace TagWorker.Tests.Pipeline;

/// <summary>
/// The reference for refusals: events applied one by one, each user's part on its own, refused exactly when the API
/// would refuse that part alone (an add of a refused (user, tag), or one that takes the user over the cap); a
/// refused part changes nothing, and a message with any refused part is dead-lettered naming those users.
/// </summary>
internal sealed class OneByOneModel
{
    private readonly Dictionary<string, HashSet<string>> _tags = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string)> _refused;
    private readonly HashSet<string> _everRefused = new(StringComparer.Ordinal);
    private readonly int _cap;

    public OneByOneModel(IReadOnlyDictionary<string, string[]> start, IEnumerable<(string User, string Tag)> refused, int cap)
    {
        foreach (var (user, tags) in start)
        {
            _tags[user] = new HashSet<string>(tags, StringComparer.Ordinal);
        }

        _refused = [.. refused];
        _cap = cap;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> State =>
        _tags.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);

    /// <summary>Whether an add of this user was refused so far.</summary>
    public bool WasRefused(string user) => _everRefused.Contains(user);

    /// <summary>Applies the event and returns the users whose part was refused, in event order.</summary>
    public IReadOnlyList<string> Apply(ScenarioEvent e)
    {
        var refused = new List<string>();
        foreach (var user in e.Users)
        {
            if (!_tags.TryGetValue(user, out var tags))
            {
                tags = new HashSet<string>(StringComparer.Ordinal);
                _tags.Add(user, tags);
            }

            switch (e.Op)
            {
                case TagOperation.Add:
                    if (e.Tags.Any(t => _refused.Contains((user, t))) || tags.Count + e.Tags.Count(t => !tags.Contains(t)) > _cap)
                    {
                        refused.Add(user);
                        _everRefused.Add(user);
                    }
                    else
                    {
                        tags.UnionWith(e.Tags);
                    }

                    break;
                case TagOperation.Remove:
                    tags.ExceptWith(e.Tags);
                    break;
                default:
                    tags.Clear();
                    break;
            }
        }

        return refused;
    }
}
