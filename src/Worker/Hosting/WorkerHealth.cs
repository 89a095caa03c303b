namespace TagWorker.Hosting;

/// <summary>Liveness state shared between the worker service and its health check.</summary>
internal sealed class WorkerHealth
{
    private volatile bool _running;

    public bool Running
    {
        get => _running;
        set => _running = value;
    }
}
