using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace TagWorker.Publisher.Internal;

/// <summary>
/// Name-based UUIDs, version 5 (RFC 9562 §5.5): SHA-1 over the namespace's 16 bytes (network order) followed by the
/// name's UTF-8 bytes; the first 16 bytes of the hash, with the version nibble set to 5 and the variant bits to 10.
/// The same as Python's <c>uuid.uuid5</c> or the npm <c>uuid</c> package's <c>v5</c>, so other languages can derive
/// the same ids.
/// </summary>
internal static class NameBasedUuid
{
    private const int StackLimit = 512;

    public static Guid Version5(Guid @namespace, string name)
    {
        int length = 16 + Encoding.UTF8.GetByteCount(name);
        byte[]? rented = null;
        Span<byte> input = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            input = input[..length];
            @namespace.TryWriteBytes(input[..16], bigEndian: true, out _);
            Encoding.UTF8.GetBytes(name, input[16..]);
            Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];

            // SHA-1 is what RFC 9562 prescribes for version 5; the id must be reproducible, not secret.
#pragma warning disable CA5350
            SHA1.HashData(input, hash);
#pragma warning restore CA5350
            hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
            hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
            return new Guid(hash[..16], bigEndian: true);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
