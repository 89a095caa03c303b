using System.Globalization;
using TagWorker.ImApi;
using TagWorker.ImSimulator.Api;

namespace TagWorker.ImSimulator.Hosting;

/// <summary>
/// What the standalone simulator prints once it listens: the address, the app settings (never the key), and
/// ready-to-paste curl commands with a freshly generated UserSig.
/// </summary>
internal static class StartupBanner
{
    /// <summary>How long the UserSig in the example stays valid.</summary>
    public static readonly TimeSpan ExampleUserSigLifetime = TimeSpan.FromDays(1);

    private const string ExampleRandom = "99999999";
    private const string ExampleBody = """{"UserTags":[{"To_Account":"u1","Tags":["a","b"]}]}""";

    public static void Write(TextWriter output, Uri listeningAddress, SimulatorOptions options, TimeProvider timeProvider)
    {
        var baseAddress = Callable(listeningAddress);
        var userSig = UserSigGenerator.Generate(
            options.SdkAppId, options.AdminIdentifier, options.SecretKey, timeProvider.GetUtcNow(), ExampleUserSigLifetime);
        var query = string.Create(
            CultureInfo.InvariantCulture,
            $"{QueryParameters.SdkAppId}={options.SdkAppId}&{QueryParameters.Identifier}={Uri.EscapeDataString(options.AdminIdentifier)}"
            + $"&{QueryParameters.UserSig}={userSig}&{QueryParameters.Random}={ExampleRandom}&{QueryParameters.ContentType}={QueryParameters.JsonContentType}");
        var addTagUrl = new Uri(baseAddress, ImCommandPaths.ToPath(ImCommand.AddTag) + "?" + query);

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"IM simulator listening on {baseAddress} (SDKAppID {options.SdkAppId}, administrator {options.AdminIdentifier}, {options.CallsPerSecond} calls/s per endpoint)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Add tags (the UserSig is valid for {ExampleUserSigLifetime.TotalHours:0} h):"));
        output.WriteLine($"  curl -sS -X POST {Quote(addTagUrl.AbsoluteUri)} -H 'Content-Type: application/json' -d {Quote(ExampleBody)}");
        output.WriteLine("See every user's tags:");
        output.WriteLine($"  curl -sS {Quote(new Uri(baseAddress, "_sim/state").AbsoluteUri)}");
        output.Flush();
    }

    /// <summary>The address a local curl can reach: wildcard hosts become 127.0.0.1.</summary>
    internal static Uri Callable(Uri listeningAddress)
    {
        var builder = new UriBuilder(listeningAddress) { Path = "/" };
        if (builder.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*")
        {
            builder.Host = "127.0.0.1";
        }

        return builder.Uri;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
