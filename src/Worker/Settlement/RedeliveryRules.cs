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
        if (ledger.Returned.Count > 0)
        {
            var oldest = ledger.Returned.Min;
            if (sequence > oldest)
            {
                return ArrivalAction.Park;
            }

            // The oldest returned message is back (or an even older one): the order the broker keeps from here on
            // is the queue's, and earlier settlements of this user no longer need waiting for.
            ledger.Returned.Remove(sequence);
            ledger.RestartOrder();
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

    /// <summary>Whether a message that may go on carries something new for this user.</summary>
    public static ArrivalAction Admit(UserLedger ledger, long sequence) =>
        sequence <= ledger.Watermark ? ArrivalAction.AlreadyApplied : ArrivalAction.Fold;

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

    /// <summary>Another holder may apply the user's changes now (a lost session lock): what we applied tells nothing.</summary>
    public static void OnOwnershipLost(UserLedger ledger) => ledger.Watermark = -1;
}
