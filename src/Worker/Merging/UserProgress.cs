using TagWorker.Contracts;
using TagWorker.ImApi;
using TagWorker.Pipeline;
using TagWorker.Planning;

namespace TagWorker.Merging;

/// <summary>
/// One user's progress through the pipeline: an open fold that keeps absorbing changes, frozen into steps when the
/// user is packed into a request; the steps go out one at a time (at most one request carrying the user is on the
/// wire: the barrier) and resolve as applied, rejected or returned. Each transition is a method; the coordinator
/// decides when to call them, and the settler decides what the resolved messages' fates mean.
/// </summary>
/// <remarks>
/// A rejection inside a merged fold does not tell which message caused it (the fold hides which write reached the
/// API), and blaming the last writers of the rejected chunk can still be wrong (a user at 99 tags who adds a, adds b
/// and removes a: folded, b goes through; one by one, b is refused). So a rejected fold is replayed one message at a
/// time, in order, from the state the applied steps left: the replay ends exactly where applying the events one by
/// one ends (re-applying a per-user suffix is harmless), and only the messages the API refuses on their own fail.
/// </remarks>
internal sealed class UserProgress(string account)
{
    private readonly Queue<PlannedStep> _steps = new();
    private readonly LinkedList<TrackedMessage> _solo = new();
    private UserTagChange? _open;
    private List<TrackedMessage> _openMessages = [];
    private List<TrackedMessage> _frozenMessages = [];
    private bool _frozenSolo;

    public string Account { get; } = account;

    /// <summary>Whether a frozen fold is being applied (steps left, or the last one on the wire).</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>Whether a request carrying this user is on the wire.</summary>
    public bool InFlight { get; private set; }

    /// <summary>When the oldest change not yet frozen arrived (TimeProvider timestamp).</summary>
    public long OpenSince { get; private set; }

    /// <summary>
    /// When the open fold last absorbed a change (TimeProvider timestamp): the backlog hold counts from here, so a fold
    /// still absorbing keeps waiting while one whose user went quiet goes.
    /// </summary>
    public long OpenTouchedAt { get; private set; }

    /// <summary>When the frozen fold's oldest change arrived.</summary>
    public long FrozenSince { get; private set; }

    /// <summary>Messages the user holds in the open fold, the replay queue and the frozen fold.</summary>
    public int HeldMessages => _openMessages.Count + _solo.Count + _frozenMessages.Count;

    /// <summary>Whether nothing of this user is waiting to be sent or resolved.</summary>
    public bool IsIdle => !IsFrozen && _open is null && _solo.Count == 0;

    /// <summary>Whether the next step to send comes from a fold that has not been frozen yet (it may still absorb changes).</summary>
    public bool NextIsOpenFold => !IsFrozen && _solo.Count == 0 && _open is not null;

    /// <summary>The endpoint the user's next step is for, or null when it has none or one is on the wire.</summary>
    public ImCommand? NextCommand
    {
        get
        {
            if (InFlight)
            {
                return null;
            }

            if (IsFrozen)
            {
                return _steps.TryPeek(out var step) ? step.Command : null;
            }

            if (_solo.First is { } solo)
            {
                return FirstCommand(solo.Value.Event.Op);
            }

            return _open is { IsEmpty: false } open ? (open.Reset ? ImCommand.RemoveAllTags : open.RemoveCount > 0 ? ImCommand.RemoveTag : ImCommand.AddTag) : null;
        }
    }

    /// <summary>When the change behind <see cref="NextCommand"/> arrived.</summary>
    public long NextSince => IsFrozen ? FrozenSince : _solo.First is { } solo ? solo.Value.ArrivedAt : OpenSince;

    /// <summary>Folds the user's change from <paramref name="message"/> (arriving after everything folded so far).</summary>
    public void Fold(TrackedMessage message, TagChangeEvent tagEvent, long now)
    {
        if (_open is null)
        {
            _open = new UserTagChange();
            OpenSince = now;
        }

        _open.Apply(tagEvent.Op, tagEvent.Tags);
        _openMessages.Add(message);
        OpenTouchedAt = now;
    }

    /// <summary>
    /// Takes the next step to send and marks the user on the wire. The first step of a fold freezes it: the open fold
    /// (or, while replaying, the next message alone) becomes a fixed list of steps. Returns null when freezing found
    /// nothing to send (an empty change): the frozen messages are then applied at once, see <see cref="TakeApplied"/>.
    /// </summary>
    public PlannedStep? TakeStep(BatchPlanner planner)
    {
        if (!IsFrozen)
        {
            Freeze(planner);
        }

        if (!_steps.TryDequeue(out var step))
        {
            return null;
        }

        InFlight = true;
        return step;
    }

    /// <summary>The step on the wire was applied. Returns the frozen messages when that was the fold's last step.</summary>
    public IReadOnlyList<TrackedMessage>? StepApplied()
    {
        InFlight = false;
        return _steps.Count == 0 ? TakeApplied() : null;
    }

    /// <summary>A frozen fold with nothing (left) to send is done: its messages are applied for this user.</summary>
    public IReadOnlyList<TrackedMessage> TakeApplied()
    {
        var messages = _frozenMessages;
        Unfreeze();
        return messages;
    }

    /// <summary>
    /// The step on the wire was refused for this user. A message replayed alone is the one that failed, and is
    /// returned; a merged fold is put back to be replayed one message at a time (nothing is returned yet).
    /// </summary>
    public TrackedMessage? StepRejected()
    {
        InFlight = false;
        _steps.Clear();
        if (_frozenSolo || _frozenMessages.Count == 1)
        {
            var failed = _frozenMessages[0];
            Unfreeze();
            return failed;
        }

        for (var i = _frozenMessages.Count - 1; i >= 0; i--)
        {
            _solo.AddFirst(_frozenMessages[i]);
        }

        Unfreeze();
        return null;
    }

    /// <summary>The step on the wire must be sent again later (the user keeps its place; nothing resolves).</summary>
    public void StepDeferred(PlannedStep step)
    {
        InFlight = false;
        var rest = _steps.ToArray();
        _steps.Clear();
        _steps.Enqueue(step);
        foreach (var later in rest)
        {
            _steps.Enqueue(later);
        }
    }

    /// <summary>
    /// Gives up everything the user holds (the step on the wire, if any, has resolved): frozen, replay and open
    /// messages, oldest first. Used when the user's changes go back to the source or its lock was lost.
    /// </summary>
    public List<TrackedMessage> DropAll()
    {
        InFlight = false;
        var all = new List<TrackedMessage>(HeldMessages);
        all.AddRange(_frozenMessages);
        all.AddRange(_solo);
        all.AddRange(_openMessages);
        _steps.Clear();
        _solo.Clear();
        Unfreeze();
        _open = null;
        _openMessages = [];
        return all;
    }

    /// <summary>The messages whose changes the frozen fold (the step on the wire) carries.</summary>
    public IReadOnlyList<TrackedMessage> FrozenMessages => _frozenMessages;

    /// <summary>Every message the user holds, oldest first, without changing anything.</summary>
    public IEnumerable<TrackedMessage> HeldMessagesInOrder() => _frozenMessages.Concat(_solo).Concat(_openMessages);

    private static ImCommand FirstCommand(TagOperation op) => op switch
    {
        TagOperation.RemoveAll => ImCommand.RemoveAllTags,
        TagOperation.Remove => ImCommand.RemoveTag,
        _ => ImCommand.AddTag,
    };

    private void Freeze(BatchPlanner planner)
    {
        UserTagChange change;
        if (_solo.First is { } first)
        {
            _solo.RemoveFirst();
            change = new UserTagChange();
            change.Apply(first.Value.Event.Op, first.Value.Event.Tags);
            _frozenMessages = [first.Value];
            _frozenSolo = true;
            FrozenSince = first.Value.ArrivedAt;
        }
        else
        {
            change = _open ?? new UserTagChange();
            _frozenMessages = _openMessages;
            _frozenSolo = false;
            FrozenSince = OpenSince;
            _open = null;
            _openMessages = [];
        }

        foreach (var step in planner.StepsFor(change))
        {
            _steps.Enqueue(step);
        }

        IsFrozen = true;
    }

    private void Unfreeze()
    {
        IsFrozen = false;
        _frozenSolo = false;
        _frozenMessages = [];
    }
}
