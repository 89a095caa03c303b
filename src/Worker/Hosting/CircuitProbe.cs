using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TagWorker.Dispatch;
using TagWorker.ImApi;

namespace TagWorker.Hosting;

/// <summary>
/// While the configuration-fault circuit is open, asks the API a harmless question (<c>im_get_tag</c> for the admin
/// account) every <see cref="CircuitOptions.ProbeInterval"/>; an answer that is not a fault of ours or of the network
/// means the settings work again, and the circuit closes.
/// </summary>
internal sealed class CircuitProbe(
    IImTagClient client,
    UserSigProvider userSigProvider,
    ConfigurationFaultCircuit circuit,
    IOptions<CircuitOptions> options,
    IOptions<ImApiOptions> imApiOptions,
    TimeProvider timeProvider,
    ILogger<CircuitProbe> logger)
{
    public async Task RunUntilClosedAsync(CancellationToken cancellationToken)
    {
        while (circuit.IsOpen)
        {
            await Task.Delay(options.Value.ProbeInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            userSigProvider.Invalidate();
            var result = await client.GetTagsAsync([imApiOptions.Value.AdminIdentifier], cancellationToken).ConfigureAwait(false);
            var kind = result.Outcome.Kind;
            Log.CircuitProbe(logger, $"{kind} {result.Outcome.ErrorCode} {result.Outcome.ErrorInfo}");
            if (kind is ImOutcomeKind.Success or ImOutcomeKind.Rejected or ImOutcomeKind.RequestTooLarge)
            {
                await circuit.CloseAsync(cancellationToken).ConfigureAwait(false);
                Log.CircuitClosed(logger);
            }
        }
    }
}
