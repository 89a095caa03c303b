namespace TagWorker.Planning;

/// <summary>What the packer is told about the pipeline as a whole each time it packs.</summary>
/// <param name="Draining">The pipeline is winding down: everything is packed at once.</param>
/// <param name="HoldOpenFolds">A backlog is waiting at the source: open folds may wait for the backlog hold.</param>
/// <param name="WindowFull">
/// The held window is full: nothing more can arrive until something is settled, so waiting for a request to fill (the
/// batch delay, the hold) is pure loss, and partial requests are formed at once as on drain.
/// </param>
internal readonly record struct PackingConditions(bool Draining, bool HoldOpenFolds, bool WindowFull = false);
