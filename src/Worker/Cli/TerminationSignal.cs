using System.Runtime.InteropServices;

namespace TagWorker.Cli;

/// <summary>
/// Turns SIGINT and SIGTERM into cancellation for the verbs that are not the service (enqueue, demo, deadletters,
/// tags), so that they stop between steps and exit with <see cref="ExitCodes.Cancelled"/> instead of being killed
/// mid-step. The service does not use it: its host's console lifetime owns those signals and drains.
/// </summary>
internal sealed class TerminationSignal : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly PosixSignalRegistration[] _registrations;

    public TerminationSignal(CancellationToken cancellationToken)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel)];
    }

    /// <summary>Cancelled on the first signal (or when the caller's token is).</summary>
    public CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void Cancel(PosixSignalContext context)
    {
        // The first signal keeps the process alive so the verb can finish its step (a replay's removal, the demo's
        // host stop) and report; a second one terminates it as usual, for when a step hangs.
        if (_cancellation.IsCancellationRequested)
        {
            return;
        }

        context.Cancel = true;
        _cancellation.Cancel();
    }
}
