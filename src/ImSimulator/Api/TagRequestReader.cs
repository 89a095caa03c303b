using System.Text.Json;
using TagWorker.ImApi;

namespace TagWorker.ImSimulator.Api;

/// <summary>
/// Reads a call's JSON body into a <see cref="TagRequest"/>. Anything that is not the documented shape answers 90001:
/// invalid JSON, a missing or null <c>UserTags</c> / <c>To_Account</c> / <c>Tags</c>, a value of the wrong type, an empty
/// account or an empty tag. Property names are matched exactly, as documented; unknown properties are ignored.
/// </summary>
internal static class TagRequestReader
{
    public static async Task<ParsedCall> ReadAsync(ImCommand command, Stream body, CancellationToken cancellationToken)
    {
        try
        {
            return command is ImCommand.AddTag or ImCommand.RemoveTag
                ? FromUserTags(command, await JsonSerializer.DeserializeAsync(body, ImApiJsonContext.Default.TagRequestBody, cancellationToken).ConfigureAwait(false))
                : FromAccounts(command, await JsonSerializer.DeserializeAsync(body, ImApiJsonContext.Default.AccountsRequestBody, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException exception)
        {
            return ParsedCall.Invalid(ImErrorCodes.InvalidJson, "JSON parse error: " + exception.Message);
        }
    }

    private static ParsedCall FromUserTags(ImCommand command, TagRequestBody? body)
    {
        // The deserializer leaves absent or null members null whatever the nullable annotations say.
        if (body?.UserTags is not { } entries)
        {
            return Malformed("UserTags is required and must be an array.");
        }

        foreach (var entry in entries)
        {
            if (entry is null)
            {
                return Malformed("Each UserTags entry must be an object.");
            }

            if (string.IsNullOrEmpty(entry.Account))
            {
                return Malformed("Each UserTags entry needs a non-empty To_Account.");
            }

            if (entry.Tags is null)
            {
                return Malformed($"Tags of {entry.Account} is required and must be an array.");
            }

            if (entry.Tags.Any(string.IsNullOrEmpty))
            {
                return Malformed($"Tags of {entry.Account} must be non-empty strings.");
            }
        }

        return ParsedCall.Valid(new TagRequest(command, entries));
    }

    private static ParsedCall FromAccounts(ImCommand command, AccountsRequestBody? body)
    {
        if (body?.Accounts is not { } accounts)
        {
            return Malformed("To_Account is required and must be an array.");
        }

        if (accounts.Any(string.IsNullOrEmpty))
        {
            return Malformed("Each To_Account must be a non-empty string.");
        }

        return ParsedCall.Valid(new TagRequest(command, accounts.Select(account => new UserTags(account, [])).ToList()));
    }

    private static ParsedCall Malformed(string errorInfo) => ParsedCall.Invalid(ImErrorCodes.InvalidJson, errorInfo);
}
