namespace TagWorker.ImSimulator.Faults;

/// <summary>What an injected fault does to a call's outcome.</summary>
internal enum FaultKind
{
    /// <summary>No fault: the call is processed normally (possibly after a delay).</summary>
    None,

    /// <summary>The call answers <see cref="FaultOptions.ForcedErrorCode"/>.</summary>
    ForcedError,

    /// <summary>The connection is aborted without a response.</summary>
    DropConnection,

    /// <summary>HTTP 502 with a plain-text body.</summary>
    BadGateway,

    /// <summary>The call answers 91000.</summary>
    InternalError,
}
