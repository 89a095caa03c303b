using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace TagWorker.ImApi;

/// <summary>
/// <see cref="IImTagClient"/> over HTTP: <c>POST {base}/v4/all_member_push/{command}?sdkappid=&amp;identifier=&amp;usersig=&amp;random=&amp;contenttype=json</c>
/// with a source-generated JSON body. One attempt per call, bounded by <see cref="ImApiOptions.Timeout"/>; every
/// failure below the API becomes an <see cref="ImCallResult"/>. A signature-fault answer drops the cached UserSig so
/// the dispatcher's retry carries a fresh one.
/// </summary>
public sealed class ImTagClient : IImTagClient
{
    private const string GenericFailureInfo = "";

    private readonly HttpClient _httpClient;
    private readonly UserSigProvider _userSigs;
    private readonly ImApiOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ImTagClient> _logger;
    private readonly Uri _baseAddress;

    public ImTagClient(
        HttpClient httpClient,
        UserSigProvider userSigs,
        IOptions<ImApiOptions> options,
        TimeProvider timeProvider,
        ILogger<ImTagClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(userSigs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _httpClient = httpClient;
        _userSigs = userSigs;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _baseAddress = _options.ResolveBaseAddress();
    }

    /// <inheritdoc />
    public async Task<ImCallResult> SendAsync(TagRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Command switch
        {
            ImCommand.AddTag or ImCommand.RemoveTag =>
                JsonSerializer.SerializeToUtf8Bytes(new TagRequestBody(request.Users), ImApiJsonContext.Default.TagRequestBody),
            _ => SerializeAccounts(request.Users.Select(u => u.Account).ToArray()),
        };
        var (result, _) = await CallAsync(request.Command, body, request.Users.Count, ImApiJsonContext.Default.ImResponse, cancellationToken)
            .ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc />
    public async Task<ImGetTagsResult> GetTagsAsync(IReadOnlyList<string> accounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var (result, response) = await CallAsync(ImCommand.GetTag, SerializeAccounts(accounts), accounts.Count, ImApiJsonContext.Default.GetTagResponse, cancellationToken)
            .ConfigureAwait(false);
        return new ImGetTagsResult(result, result.IsSuccess ? response?.UserTags ?? [] : []);
    }

    private static byte[] SerializeAccounts(IReadOnlyList<string> accounts) =>
        JsonSerializer.SerializeToUtf8Bytes(new AccountsRequestBody(accounts), ImApiJsonContext.Default.AccountsRequestBody);

    private async Task<(ImCallResult Result, TResponse? Response)> CallAsync<TResponse>(
        ImCommand command,
        byte[] body,
        int userCount,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
        where TResponse : ImResponse
    {
        var segment = ImCommandPaths.ToSegment(command);
        using var request = new HttpRequestMessage(HttpMethod.Post, BuildUri(command, _userSigs.GetUserSig()))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        using var timeoutCts = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linkedCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, linkedCts.Token)
                .ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                ImApiLog.CallServerError(_logger, segment, userCount, status);
                return (new ImCallResult(ImOutcomeKind.Retryable, 0, GenericFailureInfo, status, $"HTTP {status} from the IM API."), null);
            }

            var content = await response.Content.ReadAsByteArrayAsync(linkedCts.Token).ConfigureAwait(false);
            return (Interpret(segment, userCount, response.StatusCode, content, responseType, out var parsed), parsed);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or HttpRequestException or IOException)
        {
            // The caller gave up: that is not an outcome of the call, so it surfaces with the caller's token.
            throw new OperationCanceledException("The IM API call was cancelled by the caller.", ex, cancellationToken);
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested)
        {
            ImApiLog.CallTimedOut(_logger, segment, userCount, _options.Timeout);
            var description = string.Create(CultureInfo.InvariantCulture, $"No answer within the {_options.Timeout} timeout.");
            return (new ImCallResult(ImOutcomeKind.Retryable, 0, GenericFailureInfo, null, description), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            ImApiLog.CallConnectionFailed(_logger, segment, userCount, ex);
            return (new ImCallResult(ImOutcomeKind.Retryable, 0, GenericFailureInfo, null, "Connection failed: " + ex.Message), null);
        }
    }

    private ImCallResult Interpret<TResponse>(
        string segment,
        int userCount,
        HttpStatusCode statusCode,
        byte[] content,
        JsonTypeInfo<TResponse> responseType,
        out TResponse? parsed)
        where TResponse : ImResponse
    {
        var status = (int)statusCode;
        parsed = null;
        string? parseError = null;
        try
        {
            parsed = JsonSerializer.Deserialize(content, responseType);
        }
        catch (JsonException ex)
        {
            parseError = ex.Message;
        }

        if (parsed is null)
        {
            var description = string.Create(
                CultureInfo.InvariantCulture,
                $"HTTP {status} with a body that is not an IM API response ({content.Length} bytes): {parseError ?? "null"}");
            ImApiLog.CallUnreadableBody(_logger, segment, userCount, status, description);

            // 429 is not part of the documented API, but if a gateway sends it, it means "slow down", not "bad request".
            var kind = statusCode == HttpStatusCode.TooManyRequests ? ImOutcomeKind.RateLimited : ImOutcomeKind.Rejected;
            return new ImCallResult(kind, 0, GenericFailureInfo, status, description);
        }

        var errorInfo = parsed.ErrorInfo ?? string.Empty;
        var outcome = ImErrorClassifier.Classify(parsed.ErrorCode);
        string? fault = null;
        if (outcome == ImOutcomeKind.Success
            && (!string.Equals(parsed.ActionStatus, ImActionStatus.Ok, StringComparison.Ordinal) || status is < 200 or > 299))
        {
            // Only an OK body on a 2xx answer counts as applied; anything else claiming success is not trusted.
            outcome = ImOutcomeKind.Rejected;
            fault = string.Create(CultureInfo.InvariantCulture, $"HTTP {status} with ActionStatus '{parsed.ActionStatus}' and ErrorCode 0.");
        }

        if (outcome == ImOutcomeKind.SignatureFault)
        {
            _userSigs.Invalidate();
        }

        if (outcome == ImOutcomeKind.Success)
        {
            ImApiLog.CallAnswered(_logger, segment, userCount, parsed.ErrorCode, outcome, status);
        }
        else
        {
            ImApiLog.CallFailed(_logger, segment, userCount, parsed.ErrorCode, outcome, errorInfo);
        }

        return new ImCallResult(outcome, parsed.ErrorCode, errorInfo, status, fault);
    }

    private Uri BuildUri(ImCommand command, string userSig)
    {
        var relative = string.Create(
            CultureInfo.InvariantCulture,
            $"{ImCommandPaths.ToPath(command)}?sdkappid={_options.SdkAppId}&identifier={Uri.EscapeDataString(_options.AdminIdentifier)}&usersig={Uri.EscapeDataString(userSig)}&random={NextRandom()}&contenttype=json");
        return new Uri(_baseAddress, relative);
    }

    private static uint NextRandom()
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }
}
