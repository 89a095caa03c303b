using System.Buffers;
using System.Globalization;
using System.Text;

namespace TagWorker.Contracts;

/// <summary>
/// The partition key publishers put in the Service Bus <c>SessionId</c> so that all events of one user go to one
/// consumer at a time. Algorithm (fixed: changing it reorders users across partitions):
/// FNV-1a 32-bit over the account's UTF-8 bytes (offset basis 2166136261, prime 16777619, arithmetic modulo 2^32),
/// then the hash as an unsigned integer modulo <c>partitionCount</c>, written in decimal without leading zeros.
/// Example: <c>SessionIdFor("u1", 16) == "3"</c>; more vectors in <c>docs/events.md</c>.
/// </summary>
public static class TagEventPartitioner
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;
    private const int StackLimit = 256;

    /// <summary>The session id (partition <c>0</c> … <c>partitionCount - 1</c>) of <paramref name="account"/>.</summary>
    /// <param name="account">The IM account, exactly as in the event's <c>users</c> (case-sensitive, not trimmed).</param>
    /// <param name="partitionCount">How many partitions; at least 1. Every publisher must use the same value.</param>
    /// <exception cref="ArgumentException"><paramref name="account"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitionCount"/> is less than 1.</exception>
    public static string SessionIdFor(string account, int partitionCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);

        var length = Encoding.UTF8.GetByteCount(account);
        byte[]? rented = null;
        var bytes = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(account, bytes);
            var hash = Fnv1a(bytes[..written]);
            return (hash % (uint)partitionCount).ToString(CultureInfo.InvariantCulture);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = OffsetBasis;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash = unchecked(hash * Prime);
        }

        return hash;
    }
}
