using System.Collections;
using System.Runtime.InteropServices;
using TagWorker.Contracts;

namespace TagWorker.Benchmarks.Micro.Baseline;

/// <summary>
/// The fold as shipped before the entry-array layout (one <c>Dictionary&lt;string, bool&gt;</c> a user), kept verbatim
/// but for its name and the unused <c>Merge</c> so that the micro verb measures before and after in one run.
/// One user's pending tag changes folded into a single net change <c>(reset, adds, removes)</c>, with
/// <c>adds ∩ removes = ∅</c>. Applied as: remove every tag (if <see cref="Reset"/>), then remove
/// <see cref="Removes"/>, then add <see cref="Adds"/>; for any start state that gives the same result as applying the
/// folded events one by one. Tags compare ordinally. Not thread-safe: one owner folds a user's changes.
/// </summary>
internal sealed class DictionaryTagChange
{
    // Sized for a handful of events' tags, so that a typical user's map is allocated once instead of growing
    // through 3, 7 and 17 slots.
    private const int InitialCapacity = 8;

    // Adds and removes are disjoint, so one map (tag → is it an add) holds both: one hash operation per tag instead
    // of two, and half the objects, which matters when 100,000 users' changes are alive at once. Allocated on first
    // use, so an empty or reset-only change costs no map.
    private Dictionary<string, bool>? _tags;
    private int _addCount;

    /// <summary>Whether all of the user's tags are removed before <see cref="Removes"/> and <see cref="Adds"/> apply.</summary>
    public bool Reset { get; private set; }

    /// <summary>Tags to add last. Disjoint from <see cref="Removes"/>. A live view: it follows later changes.</summary>
    public IReadOnlyCollection<string> Adds => new TagView(this, adds: true);

    /// <summary>Tags to remove after the reset and before the adds; always empty when <see cref="Reset"/> is set. A live view.</summary>
    public IReadOnlyCollection<string> Removes => new TagView(this, adds: false);

    /// <summary>Whether applying this change would do nothing (no reset, no adds, no removes).</summary>
    public bool IsEmpty => !Reset && (_tags?.Count ?? 0) == 0;

    public int AddCount => _addCount;

    public int RemoveCount => (_tags?.Count ?? 0) - _addCount;

    /// <summary>Folds one event for this user, arriving after everything folded so far.</summary>
    /// <param name="op">The event's operation.</param>
    /// <param name="tags">The event's tags; ignored (and may be empty or null) for <see cref="TagOperation.RemoveAll"/>.</param>
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

    /// <summary>Applies the change to a user's tag set: the reference semantics (reset, then removes, then adds).</summary>
    public void ApplyTo(ISet<string> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Reset)
        {
            state.Clear();
        }

        if (_tags is { } tags)
        {
            foreach (var (tag, isAdd) in tags)
            {
                if (isAdd)
                {
                    state.Add(tag);
                }
                else
                {
                    state.Remove(tag);
                }
            }
        }
    }

    /// <summary>Copies the adds and the removes into arrays at least <see cref="AddCount"/> and <see cref="RemoveCount"/> long.</summary>
    public void CopyTo(string[] adds, string[] removes)
    {
        if (_tags is null)
        {
            return;
        }

        int a = 0, r = 0;
        foreach (var (tag, isAdd) in _tags)
        {
            if (isAdd)
            {
                adds[a++] = tag;
            }
            else
            {
                removes[r++] = tag;
            }
        }
    }

    private void Add(string tag)
    {
        ref var isAdd = ref CollectionsMarshal.GetValueRefOrAddDefault(Tags(), tag, out _);
        if (!isAdd)
        {
            isAdd = true;
            _addCount++;
        }
    }

    private void Remove(string tag)
    {
        if (Reset)
        {
            // After a reset every entry is an add, and the tag is gone anyway: recording a remove would only cost a
            // request.
            if (_tags is not null && _tags.Remove(tag))
            {
                _addCount--;
            }

            return;
        }

        ref var isAdd = ref CollectionsMarshal.GetValueRefOrAddDefault(Tags(), tag, out _);
        if (isAdd)
        {
            isAdd = false;
            _addCount--;
        }
    }

    private Dictionary<string, bool> Tags() => _tags ??= new Dictionary<string, bool>(InitialCapacity, StringComparer.Ordinal);

    private void RemoveAll()
    {
        Reset = true;
        _tags?.Clear();
        _addCount = 0;
    }

    /// <summary>The adds or the removes of a change, read from its one map.</summary>
    private sealed class TagView(DictionaryTagChange owner, bool adds) : IReadOnlyCollection<string>
    {
        public int Count => adds ? owner.AddCount : owner.RemoveCount;

        public IEnumerator<string> GetEnumerator()
        {
            if (owner._tags is null)
            {
                yield break;
            }

            foreach (var (tag, isAdd) in owner._tags)
            {
                if (isAdd == adds)
                {
                    yield return tag;
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
