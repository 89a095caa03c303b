using Azure.Messaging.ServiceBus;

namespace TagWorker.Publisher.Internal;

/// <summary>
/// The connection-string rules both the publisher's and the worker's Service Bus options share: parseable, with a
/// namespace and a key or signature, and not scoped (EntityPath) to another entity than the one configured. Messages
/// name the configuration key and never repeat the connection string.
/// </summary>
internal static class ServiceBusConnectionStringCheck
{
    /// <summary>Adds to <paramref name="failures"/> what is wrong with <paramref name="connectionString"/>, read from <paramref name="section"/>.</summary>
    public static void Validate(string section, string? connectionString, string? entity, List<string> failures)
    {
        ServiceBusConnectionStringProperties properties;
        try
        {
            properties = ServiceBusConnectionStringProperties.Parse(connectionString);
        }
        catch (FormatException)
        {
            failures.Add(Malformed(section));
            return;
        }

        bool hasKey = IsSet(properties.SharedAccessKeyName) && IsSet(properties.SharedAccessKey);
        if (!IsSet(properties.FullyQualifiedNamespace) || (!hasKey && !IsSet(properties.SharedAccessSignature)))
        {
            failures.Add(Malformed(section));
            return;
        }

        // A connection string scoped to one entity (EntityPath) only works for that entity; the SDK would fail later.
        if (IsSet(properties.EntityPath) && IsSet(entity)
            && !string.Equals(properties.EntityPath, entity, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{section}:ConnectionString is scoped to entity '{properties.EntityPath}' (EntityPath), " +
                $"not to the configured '{entity}'.");
        }
    }

    private static string Malformed(string section) =>
        $"{section}:ConnectionString is not a valid Service Bus connection string; expected " +
        "Endpoint=sb://<namespace>/;SharedAccessKeyName=<name>;SharedAccessKey=<key> (or SharedAccessSignature=...).";

    private static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);
}
