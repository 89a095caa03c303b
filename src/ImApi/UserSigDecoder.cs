using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Text.Json;

namespace TagWorker.ImApi;

/// <summary>Decodes the TLSSigAPIv2 envelope (URL-safe base64 variant → zlib → JSON) into a <see cref="UserSigDocument"/>. Does not check the signature.</summary>
public static class UserSigDecoder
{
    // A real UserSig inflates to a few hundred bytes; the cap stops a hostile sig from inflating without bound.
    private const int MaxDocumentBytes = 16 * 1024;

    /// <summary>Decodes <paramref name="userSig"/>; false when it is not base64, not zlib, not JSON or lacks a field.</summary>
    public static bool TryDecode(string? userSig, [NotNullWhen(true)] out UserSigDocument? document)
    {
        document = null;
        if (string.IsNullOrEmpty(userSig))
        {
            return false;
        }

        var base64 = userSig.Replace('*', '+').Replace('-', '/').Replace('_', '=');
        byte[] compressed;
        try
        {
            compressed = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return false;
        }

        if (!TryInflate(compressed, out var json))
        {
            return false;
        }

        return TryParse(json, out document);
    }

    private static bool TryInflate(byte[] compressed, [NotNullWhen(true)] out byte[]? json)
    {
        json = null;
        try
        {
            using var input = new MemoryStream(compressed, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = zlib.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > MaxDocumentBytes)
                {
                    return false;
                }

                output.Write(buffer, 0, read);
            }

            json = output.ToArray();
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static bool TryParse(byte[] json, [NotNullWhen(true)] out UserSigDocument? document)
    {
        document = null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryGetString(root, "TLS.ver", out var version)
                || !TryGetString(root, "TLS.identifier", out var identifier)
                || !TryGetInt64(root, "TLS.sdkappid", out var sdkAppId)
                || !TryGetInt64(root, "TLS.time", out var time)
                || !TryGetInt64(root, "TLS.expire", out var expire)
                || !TryGetString(root, "TLS.sig", out var signature))
            {
                return false;
            }

            document = new UserSigDocument(version, identifier, sdkAppId, time, expire, signature);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryGetString(JsonElement root, string name, [NotNullWhen(true)] out string? value)
    {
        value = root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String
            ? element.GetString()
            : null;
        return value is not null;
    }

    // Some of the vendor's libraries have written numbers as strings; accept both.
    private static bool TryGetInt64(JsonElement root, string name, out long value)
    {
        value = 0;
        if (!root.TryGetProperty(name, out var element))
        {
            return false;
        }

        return element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(element.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }
}
