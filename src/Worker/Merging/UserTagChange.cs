using System.Collections;
using System.Runtime.InteropServices;
using TagWorker.Contracts;

namespace TagWorker.Merging;

/// <summary>
/// One user's pending tag changes folded into a single net change <c>(reset, adds, removes)</c>, with
/// <c>adds ∩ removes = ∅</c>. Applied as: remove every tag (if <see cref="Reset"/>), then remove
/// <see cref="Removes"/>, then add <see cref="Adds"/>; for any start state that gives the same result as applying the
/// folded events one by one. Tags compare ordinally. Not thread-safe: one owner folds a user's changes.
/// </summary>
/// <remarks>
/// Fold speed is bound by memory, not instructions: on a backlog 100,000 users' changes are alive at once and each
/// event lands on a random one, so every object an event touches is a cache miss. A per-user dictionary costs four
/// (its object, buckets, entries, the stored key) and ~470 bytes, more once it grows. The tags therefore live in one
/// small array of (tag, hash, add/remove) entries in first-seen order, searched linearly by hash, allocated with the
/// change so that the two usually sit side by side; the stored string is read only on a hash match. Only a fold with
/// more than <see cref="LinearLimit"/> distinct tags adds an index. Measured with the micro verb
/// (<c>bench/TagWorker.Benchmarks</c>, docs/benchmarks.md) against the dictionary layout it replaced.
/// </remarks>
public sealed class UserTagChange
{
    // A fold of a few events of 1–3 tags fits without growing (larger ones double): 16 entries are 280 bytes, less
    // than an empty dictionary sized for 8, and measured ~6% faster than 8 on the micro verb's busy users.
    private const int InitialCapacity = 16;

    // A scan compares hashes in consecutive cache lines (16 bytes an entry), which beats a dictionary's scattered
    // lookups well past the 10–30 distinct tags of a busy user; only a pathological fold gets the index.
    private const int LinearLimit = 64;

    private Entry[] _entries = new Entry[InitialCapacity];
    private Dictionary<string, int>? _index;
    private int _count;
    private int _addCount;

    /// <summary>Whether all of the user's tags are removed before <see cref="Removes"/> and <see cref="Adds"/> apply.</summary>
    public bool Reset { get; private set; }

    /// <summary>Tags to add last. Disjoint from <see cref="Removes"/>. A live view: it follows later changes.</summary>
    public IReadOnlyCollection<string> Adds => new TagView(this, adds: true);

    /// <summary>Tags to remove after the reset and before the adds; always empty when <see cref="Reset"/> is set. A live view.</summary>
    public IReadOnlyCollection<string> Removes => new TagView(this, adds: false);

    /// <summary>Whether applying this change would do nothing (no reset, no adds, no removes).</summary>
    public bool IsEmpty => !Reset && _count == 0;

    internal int AddCount => _addCount;

    internal int RemoveCount => _count - _addCount;

    /// <summary>Folds one event for this user, arriving after everything folded so far.</summary>
    /// <param name="op">The event's operation.</param>
    /// <param name="tags">The event's tags; ignored (and may be empty or null) for <see cref="TagOperation.RemoveAll"/>.</param>
    public void Apply(TagOperation op, IReadOnlyList<string> tags)
    {
        switch (op)
        {
            case TagOperation.Add:
                ArgumentNullException.ThrowIfNull(tags);
                if (tags is string[] array)
                {
                    // The parser's and the bench's events carry arrays: a span walk instead of interface calls.
                    foreach (var tag in array)
                    {
                        Add(tag);
                    }
                }
                else
                {
                    for (var i = 0; i < tags.Count; i++)
                    {
                        Add(tags[i]);
                    }
                }

                break;
            case TagOperation.Remove:
                ArgumentNullException.ThrowIfNull(tags);
                if (tags is string[] removed)
                {
                    foreach (var tag in removed)
                    {
                        Remove(tag);
                    }
                }
                else
                {
                    for (var i = 0; i < tags.Count; i++)
                    {
                        Remove(tags[i]);
                    }
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

        foreach (ref readonly var entry in Live)
        {
            if (entry.IsAdd)
            {
                state.Add(entry.Tag);
            }
            else
            {
                state.Remove(entry.Tag);
            }
        }
    }

    /// <summary>
    /// Copies the adds and the removes, each in the order the tags were first seen, into arrays at least
    /// <see cref="AddCount"/> and <see cref="RemoveCount"/> long.
    /// </summary>
    internal void CopyTo(string[] adds, string[] removes)
    {
        int a = 0, r = 0;
        foreach (ref readonly var entry in Live)
        {
            if (entry.IsAdd)
            {
                adds[a++] = entry.Tag;
            }
            else
            {
                removes[r++] = entry.Tag;
            }
        }
    }

    private ReadOnlySpan<Entry> Live => new(_entries, 0, _count);

    private void Add(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var hash = tag.GetHashCode();
        var at = Find(tag, hash);
        if (at < 0)
        {
            Append(new Entry(tag, hash, isAdd: true));
            _addCount++;
        }
        else if (!_entries[at].IsAdd)
        {
            _entries[at].IsAdd = true;
            _addCount++;
        }
    }

    private void Remove(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var hash = tag.GetHashCode();
        var at = Find(tag, hash);
        if (Reset)
        {
            // After a reset every entry is an add, and the tag is gone anyway: recording a remove would only cost a
            // request.
            if (at >= 0)
            {
                RemoveAt(at);
                _addCount--;
            }

            return;
        }

        if (at < 0)
        {
            Append(new Entry(tag, hash, isAdd: false));
        }
        else if (_entries[at].IsAdd)
        {
            _entries[at].IsAdd = false;
            _addCount--;
        }
    }

    private void RemoveAll()
    {
        Reset = true;
        Array.Clear(_entries, 0, _count);
        _count = 0;
        _addCount = 0;
        _index = null;
    }

    /// <summary>The entry's position, or -1.</summary>
    private int Find(string tag, int hash)
    {
        if (_index is not null)
        {
            return _index.TryGetValue(tag, out var at) ? at : -1;
        }

        var entries = Live;
        for (var i = 0; i < entries.Length; i++)
        {
            // The hash sits in the entry, so a miss never reads the stored string (another cache line).
            if (entries[i].Hash == hash && string.Equals(entries[i].Tag, tag, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private void Append(Entry entry)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[_count] = entry;
        if (_index is not null)
        {
            _index.Add(entry.Tag, _count);
        }
        else if (_count == LinearLimit)
        {
            _index = new Dictionary<string, int>(LinearLimit * 2, StringComparer.Ordinal);
            for (var i = 0; i <= _count; i++)
            {
                _index.Add(_entries[i].Tag, i);
            }
        }

        _count++;
    }

    /// <summary>Removes the entry and closes the gap, so the rest keep their first-seen order.</summary>
    private void RemoveAt(int at)
    {
        var removed = _entries[at].Tag;
        _count--;
        if (at < _count)
        {
            Array.Copy(_entries, at + 1, _entries, at, _count - at);
        }

        _entries[_count] = default;
        if (_index is not null)
        {
            _index.Remove(removed);
            foreach (ref readonly var moved in _entries.AsSpan(at, _count - at))
            {
                CollectionsMarshal.GetValueRefOrNullRef(_index, moved.Tag)--;
            }
        }
    }

    /// <summary>One tag of the fold: added last, or removed (never after a reset).</summary>
    private struct Entry(string tag, int hash, bool isAdd)
    {
        public readonly string Tag = tag;
        public readonly int Hash = hash;
        public bool IsAdd = isAdd;
    }

    /// <summary>The adds or the removes of a change, read from its entries.</summary>
    private sealed class TagView(UserTagChange owner, bool adds) : IReadOnlyCollection<string>
    {
        public int Count => adds ? owner.AddCount : owner.RemoveCount;

        public IEnumerator<string> GetEnumerator()
        {
            // Indexed rather than over a span: an iterator cannot hold one across yields.
            for (var i = 0; i < owner._count; i++)
            {
                var entry = owner._entries[i];
                if (entry.IsAdd == adds)
                {
                    yield return entry.Tag;
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
