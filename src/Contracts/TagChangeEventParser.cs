namespace TagWorker.Contracts;

/// <summary>Placeholder: parses and validates a message body. Replaced by the contracts work.</summary>
public static class TagChangeEventParser
{
}
