namespace TagWorker.Telemetry;

/// <summary>One metric instrument the worker publishes: its name, UCUM unit, kind and description.</summary>
public sealed record InstrumentDescription(string Name, string Unit, InstrumentKind Kind, string Description);
