using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TagWorker.ImApi;

/// <summary>
/// Creates TLSSigAPIv2 UserSigs as the vendor's official libraries do: HMAC-SHA256 (UTF-8 secret key) over
/// <c>TLS.identifier:{id}\nTLS.sdkappid:{appid}\nTLS.time:{unix s}\nTLS.expire:{seconds}\n</c>, put in a JSON document,
/// zlib-compressed and base64-encoded with <c>+</c>→<c>*</c>, <c>/</c>→<c>-</c>, <c>=</c>→<c>_</c>.
/// </summary>
public static class UserSigGenerator
{
    /// <summary>The <c>TLS.ver</c> this generator writes.</summary>
    public const string Version = "2.0";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Generates a UserSig for <paramref name="identifier"/> valid from <paramref name="issuedAt"/> (whole seconds) for <paramref name="lifetime"/> (whole seconds, at least 1).</summary>
    /// <exception cref="ArgumentException">An empty identifier or secret key, a non-positive app id, or a lifetime under one second.</exception>
    public static string Generate(long sdkAppId, string identifier, string secretKey, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sdkAppId);
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
        var expire = (long)lifetime.TotalSeconds;
        if (expire < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A UserSig lifetime must be at least one second.");
        }

        var time = issuedAt.ToUnixTimeSeconds();
        var signature = ComputeSignature(identifier, sdkAppId, time, expire, secretKey);
        return Encode(new UserSigDocument(Version, identifier, sdkAppId, time, expire, signature));
    }

    /// <summary>The <c>TLS.sig</c> value: standard base64 of HMAC-SHA256(UTF-8 key, content string).</summary>
    public static string ComputeSignature(string identifier, long sdkAppId, long time, long expire, string secretKey)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentNullException.ThrowIfNull(secretKey);
        var content = string.Create(
            CultureInfo.InvariantCulture,
            $"TLS.identifier:{identifier}\nTLS.sdkappid:{sdkAppId}\nTLS.time:{time}\nTLS.expire:{expire}\n");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(content));
        return Convert.ToBase64String(mac);
    }

    /// <summary>Encodes a document into the UserSig envelope (JSON → zlib → URL-safe base64 variant).</summary>
    public static string Encode(UserSigDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json, WriterOptions))
        {
            // Field order and number types follow the official libraries.
            writer.WriteStartObject();
            writer.WriteString("TLS.ver", document.Version);
            writer.WriteString("TLS.identifier", document.Identifier);
            writer.WriteNumber("TLS.sdkappid", document.SdkAppId);
            writer.WriteNumber("TLS.expire", document.Expire);
            writer.WriteNumber("TLS.time", document.Time);
            writer.WriteString("TLS.sig", document.Signature);
            writer.WriteEndObject();
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(json.GetBuffer(), 0, (int)json.Length);
        }

        return ToUserSigBase64(compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
    }

    private static string ToUserSigBase64(ReadOnlySpan<byte> bytes)
    {
        var chars = Convert.ToBase64String(bytes).ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch
            {
                '+' => '*',
                '/' => '-',
                '=' => '_',
                var c => c,
            };
        }

        return new string(chars);
    }
}
