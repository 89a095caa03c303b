namespace TagWorker.Tests.Simulator;

/// <summary>The query string of one call; a null value leaves the parameter out.</summary>
internal sealed record CallQuery(string? SdkAppId, string? Identifier, string? UserSig, string? Random, string? ContentType)
{
    public override string ToString()
    {
        var pairs = new List<string>();
        Add(pairs, "sdkappid", SdkAppId);
        Add(pairs, "identifier", Identifier);
        Add(pairs, "usersig", UserSig);
        Add(pairs, "random", Random);
        Add(pairs, "contenttype", ContentType);
        return string.Join('&', pairs);
    }

    private static void Add(List<string> pairs, string name, string? value)
    {
        if (value is not null)
        {
            pairs.Add(name + "=" + Uri.EscapeDataString(value));
        }
    }
}
