using System.Text;
using TagWorker.ImApi;

namespace TagWorker.ImSimulator.Api;

/// <summary>
/// Checks a well-formed request against the documented limits, in this order (the first failure answers):
/// more than 100 accounts (90018); an account twice in one request (90001, undocumented: see docs/simulator.md);
/// then per user in request order, more than 10 tags in an add (90032) and a tag over 50 UTF-8 bytes (90020).
/// The per-user cap of 100 held tags depends on state and is checked when the add is applied.
/// </summary>
internal static class TagRequestValidator
{
    public static ImResponse? Validate(TagRequest request)
    {
        if (request.Users.Count > TagApiLimits.MaxAccountsPerRequest)
        {
            return ImResponse.Fail(
                ImErrorCodes.TooManyAccounts,
                $"The request has {request.Users.Count} accounts; at most {TagApiLimits.MaxAccountsPerRequest} are allowed.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in request.Users)
        {
            if (!seen.Add(user.Account))
            {
                return ImResponse.Fail(ImErrorCodes.InvalidJson, $"Account {user.Account} appears more than once in the request.");
            }
        }

        foreach (var user in request.Users)
        {
            if (request.Command == ImCommand.AddTag && user.Tags.Count > TagApiLimits.MaxTagsPerUserPerAdd)
            {
                return ImResponse.Fail(
                    ImErrorCodes.TooManyTagsPerUser,
                    $"Account {user.Account} has {user.Tags.Count} tags in one add request; at most {TagApiLimits.MaxTagsPerUserPerAdd} are allowed.");
            }

            foreach (var tag in user.Tags)
            {
                if (Encoding.UTF8.GetByteCount(tag) > TagApiLimits.MaxTagBytes)
                {
                    return ImResponse.Fail(
                        ImErrorCodes.TagTooLong,
                        $"A tag of account {user.Account} is longer than {TagApiLimits.MaxTagBytes} bytes.");
                }
            }
        }

        return null;
    }
}
