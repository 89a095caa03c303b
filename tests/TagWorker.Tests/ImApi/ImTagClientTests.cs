using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi;

/// <summary>The client over real loopback HTTP against a Kestrel app that returns canned answers.</summary>
public sealed class ImTagClientTests : IAsyncLifetime
{
    private const long SdkAppId = 1400000000;
    private const string Admin = "administrator";
    private const string Secret = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static readonly TagRequest AddRequest = new(ImCommand.AddTag, [new UserTags("u1", ["a", "b"]), new UserTags("u2", ["c"])]);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    private CannedImServer _server = null!;
    private ServiceProvider _services = null!;
    private IImTagClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await CannedImServer.StartAsync(Ct);
        _services = BuildServices(_server.BaseAddress, _time);
        _client = _services.GetRequiredService<IImTagClient>();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static ServiceProvider BuildServices(Uri baseAddress, TimeProvider time, ILoggerProvider? logs = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ImApi:BaseUrl"] = baseAddress.ToString(),
                ["ImApi:SdkAppId"] = SdkAppId.ToString(CultureInfo.InvariantCulture),
                ["ImApi:AdminIdentifier"] = Admin,
                ["ImApi:SecretKey"] = Secret,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        services.AddSingleton(time);
        services.AddImApiClient();
        return services.BuildServiceProvider();
    }

    private void Answer(string json) => _server.Handler = context =>
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    };

    [Fact]
    public async Task SendAsync_OkAnswer_IsSuccess()
    {
        Answer("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""");

        var result = await _client.SendAsync(AddRequest, Ct);

        Assert.Equal(new ImCallResult(ImOutcomeKind.Success, 0, "", 200, null), result);
        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task SendAsync_AddTag_PostsUserTagsBodyToCommandPath()
    {
        Answer("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""");

        await _client.SendAsync(AddRequest, Ct);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v4/all_member_push/im_add_tag", request.Path);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("""{"UserTags":[{"To_Account":"u1","Tags":["a","b"]},{"To_Account":"u2","Tags":["c"]}]}""", request.Body);
    }

    [Fact]
    public async Task SendAsync_RemoveAllTags_PostsAccountsBody()
    {
        Answer("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""");

        await _client.SendAsync(new TagRequest(ImCommand.RemoveAllTags, [new UserTags("u1", []), new UserTags("u2", [])]), Ct);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v4/all_member_push/im_remove_all_tags", request.Path);
        Assert.Equal("""{"To_Account":["u1","u2"]}""", request.Body);
    }

    [Fact]
    public async Task SendAsync_AnyCall_QueryCarriesAppAdminVerifiableSigRandomAndContentType()
    {
        Answer("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""");

        await _client.SendAsync(AddRequest, Ct);
        await _client.SendAsync(AddRequest, Ct);

        var requests = _server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        foreach (var request in requests)
        {
            Assert.Equal(["sdkappid", "identifier", "usersig", "random", "contenttype"], request.Query.Keys);
            Assert.Equal("1400000000", request.Query["sdkappid"]);
            Assert.Equal(Admin, request.Query["identifier"]);
            Assert.Equal("json", request.Query["contenttype"]);
            Assert.True(uint.TryParse(request.Query["random"], NumberStyles.None, CultureInfo.InvariantCulture, out _));
            var verification = UserSigVerifier.Verify(request.Query["usersig"], SdkAppId, Admin, Secret, _time.GetUtcNow());
            Assert.True(verification.IsValid, verification.Reason);
        }

        // A fresh random per call (equal by chance once in 2^32).
        Assert.NotEqual(requests[0].Query["random"], requests[1].Query["random"]);
    }

    [Theory]
    [InlineData(91000, ImOutcomeKind.Retryable)]
    [InlineData(60007, ImOutcomeKind.RateLimited)]
    [InlineData(70001, ImOutcomeKind.SignatureFault)]
    [InlineData(90009, ImOutcomeKind.ConfigurationFault)]
    [InlineData(90018, ImOutcomeKind.RequestTooLarge)]
    [InlineData(90001, ImOutcomeKind.Rejected)]
    public async Task SendAsync_FailAnswer_ClassifiesCodeAndKeepsInfo(int errorCode, ImOutcomeKind expected)
    {
        Answer($$"""{"ActionStatus":"FAIL","ErrorInfo":"info {{errorCode}}","ErrorCode":{{errorCode}}}""");

        var result = await _client.SendAsync(AddRequest, Ct);

        Assert.Equal(new ImCallResult(expected, errorCode, $"info {errorCode}", 200, null), result);
    }

    [Fact]
    public async Task SendAsync_SignatureFault_NextCallCarriesNewSig()
    {
        Answer("""{"ActionStatus":"FAIL","ErrorInfo":"UserSig expired","ErrorCode":70001}""");
        await _client.SendAsync(AddRequest, Ct);
        _time.Advance(TimeSpan.FromSeconds(5));

        await _client.SendAsync(AddRequest, Ct);

        var sigs = _server.Requests.Select(r => r.Query["usersig"]).ToArray();
        Assert.True(UserSigDecoder.TryDecode(sigs[1], out var renewed));
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), renewed.Time);
        Assert.NotEqual(sigs[0], sigs[1]);
    }

    [Fact]
    public async Task SendAsync_OkAnswer_KeepsCachedSig()
    {
        Answer("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""");
        await _client.SendAsync(AddRequest, Ct);
        _time.Advance(TimeSpan.FromSeconds(5));

        await _client.SendAsync(AddRequest, Ct);

        var sigs = _server.Requests.Select(r => r.Query["usersig"]).ToArray();
        Assert.Equal(sigs[0], sigs[1]);
    }

    [Fact]
    public async Task SendAsync_Http502_IsRetryableWithStatus()
    {
        _server.Handler = context =>
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return context.Response.WriteAsync("<html>Bad Gateway</html>", context.RequestAborted);
        };

        var result = await _client.SendAsync(AddRequest, Ct);

        Assert.Equal(ImOutcomeKind.Retryable, result.Kind);
        Assert.Equal(502, result.HttpStatus);
        Assert.NotNull(result.FaultDescription);
    }

    [Fact]
    public async Task SendAsync_ConnectionDropped_IsRetryableWithoutStatus()
    {
        _server.Handler = context =>
        {
            context.Abort();
            return Task.CompletedTask;
        };

        var result = await _client.SendAsync(AddRequest, Ct);

        Assert.Equal(ImOutcomeKind.Retryable, result.Kind);
        Assert.Null(result.HttpStatus);
        Assert.StartsWith("Connection failed", result.FaultDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_IsRetryable()
    {
        var closed = await CannedImServer.StartAsync(Ct);
        var address = closed.BaseAddress;
        await closed.DisposeAsync();
        await using var services = BuildServices(address, _time);

        var result = await services.GetRequiredService<IImTagClient>().SendAsync(AddRequest, Ct);

        Assert.Equal(ImOutcomeKind.Retryable, result.Kind);
        Assert.Null(result.HttpStatus);
    }

    [Fact]
    public async Task SendAsync_NoAnswerWithinTimeout_IsRetryable()
    {
        _server.Handler = _server.HangAsync;

        var call = _client.SendAsync(AddRequest, Ct);
        await _server.Received.Task.WaitAsync(Guard, Ct);
        _time.Advance(TimeSpan.FromSeconds(10));
        var result = await call.WaitAsync(Guard, Ct);

        Assert.Equal(ImOutcomeKind.Retryable, result.Kind);
        Assert.Null(result.HttpStatus);
        Assert.Contains("timeout", result.FaultDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_JustBeforeTimeout_StillWaits()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Handler = async context =>
        {
            _server.Received.TrySetResult();
            await release.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""", context.RequestAborted);
        };

        var call = _client.SendAsync(AddRequest, Ct);
        await _server.Received.Task.WaitAsync(Guard, Ct);
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        release.SetResult();

        Assert.True((await call.WaitAsync(Guard, Ct)).IsSuccess);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_ThrowsOperationCanceled()
    {
        _server.Handler = _server.HangAsync;
        using var caller = new CancellationTokenSource();

        var call = _client.SendAsync(AddRequest, caller.Token);
        await _server.Received.Task.WaitAsync(Guard, Ct);
        await caller.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Guard, Ct));
        Assert.Equal(caller.Token, ex.CancellationToken);
    }

    [Fact]
    public async Task SendAsync_NonJson200_IsRejectedWithDescription()
    {
        Answer("<html>maintenance</html>");

        var result = await _client.SendAsync(AddRequest, Ct);

        Assert.Equal(ImOutcomeKind.Rejected, result.Kind);
        Assert.Equal(200, result.HttpStatus);
        Assert.Contains("not an IM API response", result.FaultDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_JsonWithoutErrorCode_IsRejectedNotSuccess()
    {
        Answer("{}");

        var result = await _client.SendAsync(AddRequest, Ct);

        Assert.Equal(ImOutcomeKind.Rejected, result.Kind);
    }

    [Fact]
    public async Task SendAsync_FailStatusWithCodeZero_IsRejectedNotSuccess()
    {
        Answer("""{"ActionStatus":"FAIL","ErrorInfo":"odd","ErrorCode":0}""");

        var result = await _client.SendAsync(AddRequest, Ct);

        Assert.Equal(ImOutcomeKind.Rejected, result.Kind);
        Assert.NotNull(result.FaultDescription);
    }

    [Fact]
    public async Task SendAsync_NonJson429_IsRateLimited()
    {
        _server.Handler = context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Task.CompletedTask;
        };

        Assert.Equal(ImOutcomeKind.RateLimited, (await _client.SendAsync(AddRequest, Ct)).Kind);
    }

    [Fact]
    public async Task GetTagsAsync_OkAnswer_ReturnsUsersAndPostsAccounts()
    {
        Answer("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"UserTags":[{"To_Account":"u1","Tags":["a","b"]},{"To_Account":"u2","Tags":[]}]}""");

        var result = await _client.GetTagsAsync(["u1", "u2"], Ct);

        Assert.True(result.IsSuccess);
        Assert.Equal(["u1", "u2"], result.Users.Select(u => u.Account));
        Assert.Equal(["a", "b"], result.Users[0].Tags);
        Assert.Empty(result.Users[1].Tags);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v4/all_member_push/im_get_tag", request.Path);
        Assert.Equal("""{"To_Account":["u1","u2"]}""", request.Body);
    }

    [Fact]
    public async Task GetTagsAsync_FailAnswer_ReturnsNoUsers()
    {
        Answer("""{"ActionStatus":"FAIL","ErrorInfo":"internal","ErrorCode":91000}""");

        var result = await _client.GetTagsAsync(["u1"], Ct);

        Assert.Equal(ImOutcomeKind.Retryable, result.Outcome.Kind);
        Assert.Empty(result.Users);
    }

    [Fact]
    public async Task SendAsync_AnyOutcome_LogsNeitherSecretNorUserSigNorUrl()
    {
        var logs = new RecordingLoggerProvider();
        await using var services = BuildServices(_server.BaseAddress, _time, logs);
        var client = services.GetRequiredService<IImTagClient>();
        Answer("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""");
        await client.SendAsync(AddRequest, Ct);
        Answer("""{"ActionStatus":"FAIL","ErrorInfo":"UserSig expired","ErrorCode":70001}""");
        await client.SendAsync(AddRequest, Ct);
        _server.Handler = context =>
        {
            context.Abort();
            return Task.CompletedTask;
        };
        await client.SendAsync(AddRequest, Ct);

        var userSigs = _server.Requests.Select(r => r.Query["usersig"]).Distinct().ToArray();
        Assert.NotEmpty(logs.Lines);
        Assert.All(logs.Lines, line =>
        {
            Assert.DoesNotContain(Secret, line, StringComparison.Ordinal);
            Assert.DoesNotContain("usersig=", line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("/v4/", line, StringComparison.Ordinal);
            Assert.All(userSigs, userSig => Assert.DoesNotContain(userSig, line, StringComparison.Ordinal));
        });
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception) + " " + exception);

        public void Dispose()
        {
        }
    }

    private sealed record RecordedRequest(string Method, string Path, Dictionary<string, string> Query, string? ContentType, string Body);

    /// <summary>A Kestrel app on 127.0.0.1:0 that records each request and answers with <see cref="Handler"/>.</summary>
    private sealed class CannedImServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private CannedImServer(WebApplication app) => _app = app;

        public Uri BaseAddress { get; private set; } = null!;

        public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

        public TaskCompletionSource Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Func<HttpContext, Task> Handler { get; set; } = _ => Task.CompletedTask;

        public static async Task<CannedImServer> StartAsync(CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var server = new CannedImServer(app);
            app.Run(server.HandleAsync);
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            server.BaseAddress = new Uri(address + "/");
            return server;
        }

        /// <summary>Never answers; returns once the client gives up on the request.</summary>
        public async Task HangAsync(HttpContext context)
        {
            Received.TrySetResult();
            var never = new TaskCompletionSource();
            try
            {
                await never.Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client went away: that is the point.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        private async Task HandleAsync(HttpContext context)
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? string.Empty,
                context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                context.Request.ContentType,
                body));
            await Handler(context);
        }
    }
}
