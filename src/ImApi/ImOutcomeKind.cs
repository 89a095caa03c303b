namespace TagWorker.ImApi;

/// <summary>What a call's outcome means for the dispatcher (the error-policy table in DESIGN.md).</summary>
public enum ImOutcomeKind
{
    /// <summary>Applied (code 0).</summary>
    Success,

    /// <summary>Transient fault (91000, 60008, 70169, 70500, HTTP 5xx, timeout, connection error): retry with backoff.</summary>
    Retryable,

    /// <summary>Frequency limit (60007, 60011, 60018, 60019, 70050): back off and retry; not a failure of the messages.</summary>
    RateLimited,

    /// <summary>UserSig expired or invalid (70001–70052 except 70050): regenerate the signature and retry once.</summary>
    SignatureFault,

    /// <summary>The app is misconfigured (90009, 60006, 60010, 60016, 60017, 60020, 60021): open the circuit, do not dead-letter.</summary>
    ConfigurationFault,

    /// <summary>Too many accounts in the request (90018): split it and retry the halves.</summary>
    RequestTooLarge,

    /// <summary>The request was refused (90001, 90020, 90032, unknown codes): bisect until the rejected users stand alone.</summary>
    Rejected,
}
