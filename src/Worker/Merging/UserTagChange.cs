using TagWorker.Contracts;

namespace TagWorker.Merging;

/// <summary>
/// One user's pending tag changes folded into a single net change <c>(reset, adds, removes)</c>, with
/// <c>adds ∩ removes = ∅</c>. Applied as: remove every tag (if <see cref="Reset"/>), then remove
/// <see cref="Removes"/>, then add <see cref="Adds"/>; for any start state that gives the same result as applying the
/// folded events one by one. Tags compare ordinally. Not thread-safe: one owner folds a user's changes.
/// </summary>
public sealed class UserTagChange
{
    // Allocated on first use: most users only ever add, and a fold over 100,000 users should not pay for empty sets.
    private HashSet<string>? _adds;
    private HashSet<string>? _removes;

    /// <summary>Whether all of the user's tags are removed before <see cref="Removes"/> and <see cref="Adds"/> apply.</summary>
    public bool Reset { get; private set; }

    /// <summary>Tags to add last. Disjoint from <see cref="Removes"/>.</summary>
    public IReadOnlyCollection<string> Adds => (IReadOnlyCollection<string>?)_adds ?? [];

    /// <summary>Tags to remove after the reset and before the adds. Always empty when <see cref="Reset"/> is set.</summary>
    public IReadOnlyCollection<string> Removes => (IReadOnlyCollection<string>?)_removes ?? [];

    /// <summary>Whether applying this change would do nothing (no reset, no adds, no removes).</summary>
    public bool IsEmpty => !Reset && AddCount == 0 && RemoveCount == 0;

    internal int AddCount => _adds?.Count ?? 0;

    internal int RemoveCount => _removes?.Count ?? 0;

    /// <summary>Folds one event for this user, arriving after everything folded so far.</summary>
    /// <param name="op">The event's operation.</param>
    /// <param name="tags">The event's tags; ignored (and may be empty) for <see cref="TagOperation.RemoveAll"/>.</param>
    public void Apply(TagOperation op, IReadOnlyList<string> tags)
    {
        switch (op)
        {
            case TagOperation.Add:
                ArgumentNullException.ThrowIfNull(tags);
                for (var i = 0; i < tags.Count; i++)
                {
                    Add(tags[i]);
                }

                break;
            case TagOperation.Remove:
                ArgumentNullException.ThrowIfNull(tags);
                for (var i = 0; i < tags.Count; i++)
                {
                    Remove(tags[i]);
                }

                break;
            case TagOperation.RemoveAll:
                RemoveAll();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown tag operation.");
        }
    }

    /// <summary>
    /// Folds <paramref name="later"/> (changes that arrived after this one's) into this change, so that this change
    /// afterwards equals the fold of both event sequences concatenated. <paramref name="later"/> is not modified.
    /// </summary>
    public void Merge(UserTagChange later)
    {
        ArgumentNullException.ThrowIfNull(later);
        if (ReferenceEquals(later, this))
        {
            // Folding a change onto itself is idempotent (set operations), and iterating our own sets while
            // mutating them would throw.
            return;
        }

        // The later change is equivalent to the events "removeAll (if reset), remove its removes, add its adds".
        if (later.Reset)
        {
            RemoveAll();
        }

        if (later._removes is { } removes)
        {
            foreach (var tag in removes)
            {
                Remove(tag);
            }
        }

        if (later._adds is { } adds)
        {
            foreach (var tag in adds)
            {
                Add(tag);
            }
        }
    }

    /// <summary>Applies the change to a user's tag set: the reference semantics (reset, then removes, then adds).</summary>
    public void ApplyTo(ISet<string> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Reset)
        {
            state.Clear();
        }

        if (_removes is { } removes)
        {
            state.ExceptWith(removes);
        }

        if (_adds is { } adds)
        {
            state.UnionWith(adds);
        }
    }

    /// <summary>Copies the adds into <paramref name="destination"/> (at least <see cref="AddCount"/> long) without boxing an enumerator.</summary>
    internal void CopyAddsTo(string[] destination) => _adds?.CopyTo(destination);

    /// <summary>Copies the removes into <paramref name="destination"/> (at least <see cref="RemoveCount"/> long).</summary>
    internal void CopyRemovesTo(string[] destination) => _removes?.CopyTo(destination);

    private void Add(string tag)
    {
        (_adds ??= new HashSet<string>(StringComparer.Ordinal)).Add(tag);
        _removes?.Remove(tag);
    }

    private void Remove(string tag)
    {
        _adds?.Remove(tag);

        // After a reset the tag is gone anyway; recording it would only cost a request.
        if (!Reset)
        {
            (_removes ??= new HashSet<string>(StringComparer.Ordinal)).Add(tag);
        }
    }

    private void RemoveAll()
    {
        Reset = true;
        _adds?.Clear();
        _removes?.Clear();
    }
}
