using TagWorker.Pipeline;

namespace TagWorker.Settlement;

/// <summary>What to do with one user's part of an arriving message.</summary>
internal enum ArrivalAction
{
    /// <summary>Fold it: it is the next change of the user in queue order.</summary>
    Fold,

    /// <summary>It is a redelivery of a change already applied in order: resolve it as applied without sending.</summary>
    AlreadyApplied,

    /// <summary>An older message of the user is on its way back: this one waits (parked) until it is back.</summary>
    Park,
}

/// <summary>
/// The redelivery rules, as pure functions of a user's ledger (property-tested against a model): a user's changes
/// are applied in queue order even when the broker hands some messages back after newer ones.
/// <list type="bullet">
/// <item>While messages of the user are on their way back, only the oldest of them (or anything older) may go on;
/// a newer one is parked, unsent, until they are back. Parking instead of returning it too means no delivery is
/// spent on it: returning would spread (every user of a segment event would wait in turn) and could push valid
/// messages into the broker's MaxDeliveryCount.</item>
/// <item>A message at or below the watermark was applied already, in order: replaying it would be harmless but
/// costs a call, so it resolves as applied.</item>
/// </list>
/// </summary>
internal static class RedeliveryRules
{
    /// <summary>Decides, and updates the ledger for, one user's part of a message with <paramref name="sequence"/>.</summary>
    public static ArrivalAction OnArrival(UserLedger ledger, long sequence)
    {
        // An earlier delivery of this message whose settlement is not reported yet is superseded: the message is back.
        ledger.Settling.RemoveWhere(m => m.Sequence == sequence);
        if (ledger.Returned.Count > 0)
        {
            var oldest = ledger.Returned.Min;
            if (sequence > oldest)
            {
                // It is back itself (a redelivery of a newer returned message): left on the list, it would wait
                // behind its own return once the older ones are back.
                ledger.Returned.Remove(sequence);
                return ArrivalAction.Park;
            }

            // The oldest returned message is back (or an even older one): the order the broker keeps from here on
            // is the queue's, and the settlements of the newer messages that went back no longer need waiting for. A
            // settlement of an older message still with the broker does: if it is refused, that message comes back
            // again and this one must not complete ahead of it.
            ledger.Returned.Remove(sequence);
            ledger.RestartOrderAfter([.. ledger.Settling.Where(m => m.Sequence < sequence && m.Settlement is not null).Select(static m => m.Settlement!)]);
        }

        return Admit(ledger, sequence);
    }

    /// <summary>
    /// The next parked message that may go on now (older than every message still on its way back), or null. The
    /// caller folds it (or resolves it as applied, per <see cref="Admit"/>).
    /// </summary>
    public static long? NextUnparked(UserLedger ledger)
    {
        if (ledger.Parked.Count == 0)
        {
            return null;
        }

        var first = ledger.Parked.Keys.First();
        return ledger.Returned.Count == 0 || first < ledger.Returned.Min ? first : null;
    }

    /// <summary>
    /// Whether a message with <paramref name="sequence"/> arriving now brings the user's order back: it is (or is older
    /// than) the oldest of the user's returned messages. Newer messages of the user folded before it went back may
    /// already be applied, ahead of it: they must go back too, to be applied again after it.
    /// </summary>
    public static bool IsBackInOrder(UserLedger ledger, long sequence) => ledger.Returned.Count > 0 && sequence <= ledger.Returned.Min;

    /// <summary>Whether a message that may go on carries something new for this user.</summary>
    public static ArrivalAction Admit(UserLedger ledger, long sequence) =>
        sequence <= ledger.Watermark ? ArrivalAction.AlreadyApplied : ArrivalAction.Fold;

    /// <summary>A settlement of the user's <paramref name="message"/> went to the broker.</summary>
    public static void OnSettleStarted(UserLedger ledger, TrackedMessage message) => ledger.Settling.Add(message);

    /// <summary>
    /// The outcome of that settlement arrived. Returns whether it still matters: false when the message came back
    /// before the report (a refusal then says nothing the new delivery does not).
    /// </summary>
    public static bool OnSettleReported(UserLedger ledger, TrackedMessage message) => ledger.Settling.Remove(message);

    /// <summary>The user's change from the message with <paramref name="sequence"/> was applied (in order).</summary>
    public static void OnApplied(UserLedger ledger, long sequence)
    {
        if (ledger.Returned.Count == 0 && sequence > ledger.Watermark)
        {
            ledger.Watermark = sequence;
        }
    }

    /// <summary>The message with <paramref name="sequence"/> goes back to the source (or will come back by itself).</summary>
    public static void OnReturned(UserLedger ledger, long sequence) => ledger.Returned.Add(sequence);

    /// <summary>
    /// <paramref name="delivery"/> goes back to the source (or will come back by itself), unless a later delivery of
    /// it has arrived already: then it is back. With sessions the broker gives a lost session's messages out again as
    /// soon as the coordinator holds nothing of it, while a lost delivery is still unsettled (it settles, as lost,
    /// only once it is the oldest of its users) or still on the wire (dropped when the call resolves). Put on the
    /// returned list again then, its sequence would stay there for good — its return was already taken off — and
    /// every newer message of its users would be parked behind it until the park timed out.
    /// </summary>
    public static void OnReturned(UserLedger ledger, TrackedMessage delivery)
    {
        if (!delivery.Superseded)
        {
            OnReturned(ledger, delivery.Sequence);
        }
    }

    /// <summary>Another holder may apply the user's changes now (a lost session lock): what we applied tells nothing.</summary>
    public static void OnOwnershipLost(UserLedger ledger) => ledger.Watermark = -1;
}
