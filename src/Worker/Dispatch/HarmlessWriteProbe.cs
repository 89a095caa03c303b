using Microsoft.Extensions.Options;
using TagWorker.ImApi;

namespace TagWorker.Dispatch;

/// <summary>
/// Tests an endpoint with a write that changes nothing a user can see, on the admin account (which no event names):
/// <c>im_remove_tag</c> of a tag the admin never has, <c>im_remove_all_tags</c> of the admin, and for
/// <c>im_add_tag</c> an add of that tag followed by its removal. A read (<c>im_get_tag</c>) would not do: a fault of
/// the write endpoints alone (an outage, a permission) leaves reads working, and a circuit closed by a read would
/// open again on the first real call, each cycle costing the held messages a delivery.
/// </summary>
public sealed class HarmlessWriteProbe(IImTagClient client, IOptions<ImApiOptions> options)
{
    /// <summary>The tag the probe writes: no publisher sends it, and the removal leaves the admin as it was.</summary>
    public const string ProbeTag = "tagworker-probe";

    /// <summary>Sends the probe to <paramref name="command"/>; the result is that endpoint's answer (for adds, the add's).</summary>
    public async Task<ImCallResult> ProbeAsync(ImCommand command, CancellationToken cancellationToken)
    {
        var admin = options.Value.AdminIdentifier;
        var result = await client.SendAsync(Request(command, admin), cancellationToken).ConfigureAwait(false);
        if (command == ImCommand.AddTag && result.Kind == ImOutcomeKind.Success)
        {
            // Take the probe tag away again; if this fails the next probe (or success) of im_remove_tag retries it.
            await client.SendAsync(Request(ImCommand.RemoveTag, admin), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static TagRequest Request(ImCommand command, string admin) =>
        new(command, [new UserTags(admin, command == ImCommand.RemoveAllTags ? [] : [ProbeTag])]);
}
