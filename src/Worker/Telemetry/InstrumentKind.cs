namespace TagWorker.Telemetry;

/// <summary>The kind of a metric instrument, which decides how exporters name and aggregate it.</summary>
public enum InstrumentKind
{
    Counter,
    Histogram,
    ObservableGauge,
}
