using Microsoft.Extensions.Options;
using TagWorker.Dispatch;
using TagWorker.ImApi;

namespace TagWorker.Hosting;

/// <summary>
/// While the configuration-fault circuit is open, sends a harmless write (<see cref="HarmlessWriteProbe"/>) to each
/// endpoint that failed every <see cref="CircuitOptions.ProbeInterval"/>; when every one of them answers with
/// something that is not a fault of ours or of the network, the settings work again and the circuit closes. A read
/// would close it while only the write endpoints fail, and each such cycle would cost the held messages a delivery.
/// </summary>
internal sealed class CircuitProbe(
    HarmlessWriteProbe writeProbe,
    UserSigProvider userSigProvider,
    ConfigurationFaultCircuit circuit,
    IOptions<CircuitOptions> options,
    TimeProvider timeProvider,
    ILogger<CircuitProbe> logger)
{
    public async Task RunUntilClosedAsync(CancellationToken cancellationToken)
    {
        while (circuit.IsOpen)
        {
            await Task.Delay(options.Value.ProbeInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            userSigProvider.Invalidate();
            var endpoints = circuit.FailedEndpoints;
            var working = true;
            foreach (var endpoint in endpoints.Count > 0 ? endpoints : Enum.GetValues<ImCommand>())
            {
                var result = await writeProbe.ProbeAsync(endpoint, cancellationToken).ConfigureAwait(false);
                Log.CircuitProbe(logger, $"{ImCommandPaths.ToSegment(endpoint)}: {result.Kind} {result.ErrorCode} {result.ErrorInfo}");
                working &= result.Kind is ImOutcomeKind.Success or ImOutcomeKind.Rejected or ImOutcomeKind.RequestTooLarge;
            }

            if (working)
            {
                await circuit.CloseAsync(cancellationToken).ConfigureAwait(false);
                Log.CircuitClosed(logger);
            }
        }
    }
}
