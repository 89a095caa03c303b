using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Simulator;

/// <summary>
/// A simulator started in-process on a loopback port, with a plain <see cref="HttpClient"/> and helpers that build
/// vendor-style calls. By default the clock is a <see cref="FakeTimeProvider"/>, so rate windows only move when a test
/// advances it.
/// </summary>
internal sealed class SimulatorHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private SimulatorHarness(RunningSimulator simulator, FakeTimeProvider time)
    {
        Simulator = simulator;
        Time = time;
        Http = new HttpClient { BaseAddress = simulator.BaseAddress };
    }

    public RunningSimulator Simulator { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public SimulatorOptions Options => Simulator.Options;

    public static async Task<SimulatorHarness> StartAsync(SimulatorOptions? options = null, FakeTimeProvider? time = null)
    {
        time ??= new FakeTimeProvider(Start);
        var simulator = await ImSimulatorApp.StartAsync(options ?? new SimulatorOptions(), TestContext.Current.CancellationToken, time);
        return new SimulatorHarness(simulator, time);
    }

    /// <summary>A UserSig valid for a day from the fake clock's now.</summary>
    public string UserSigFor(string identifier, long? sdkAppId = null, string? secretKey = null, TimeSpan? lifetime = null) =>
        UserSigGenerator.Generate(
            sdkAppId ?? Options.SdkAppId, identifier, secretKey ?? Options.SecretKey, Time.GetUtcNow(), lifetime ?? TimeSpan.FromDays(1));

    /// <summary>A query every check accepts.</summary>
    public CallQuery ValidQuery() => new(
        Options.SdkAppId.ToString(CultureInfo.InvariantCulture),
        Options.AdminIdentifier,
        UserSigFor(Options.AdminIdentifier),
        "99999999",
        "json");

    public Task<HttpResponseMessage> PostAsync(string command, string body, CallQuery? query = null) =>
        Http.PostAsync(
            "v4/all_member_push/" + command + "?" + (query ?? ValidQuery()),
            new StringContent(body, Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

    /// <summary>Posts and reads the vendor body, asserting HTTP 200 as the vendor documents for every non-network outcome.</summary>
    public async Task<ImResponse> CallAsync(string command, string body, CallQuery? query = null)
    {
        using var response = await PostAsync(command, body, query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonSerializer.Deserialize(json, ImApiJsonContext.Default.ImResponse)!;
    }

    public async Task<GetTagResponse> GetTagsAsync(params string[] accounts)
    {
        using var response = await PostAsync(ImCommandPaths.GetTag, AccountsBody(accounts));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonSerializer.Deserialize(json, ImApiJsonContext.Default.GetTagResponse)!;
    }

    public Task<ImResponse> AddAsync(string account, params string[] tags) =>
        CallAsync(ImCommandPaths.AddTag, UserTagsBody(new UserTags(account, tags)));

    public static string UserTagsBody(params UserTags[] users) =>
        JsonSerializer.Serialize(new TagRequestBody(users), ImApiJsonContext.Default.TagRequestBody);

    public static string AccountsBody(params string[] accounts) =>
        JsonSerializer.Serialize(new AccountsRequestBody(accounts), ImApiJsonContext.Default.AccountsRequestBody);

    /// <summary>The body of the command with these accounts (and, for add and remove, one tag each).</summary>
    public static string BodyFor(string command, IEnumerable<string> accounts) =>
        command is ImCommandPaths.AddTag or ImCommandPaths.RemoveTag
            ? UserTagsBody(accounts.Select(account => new UserTags(account, ["t"])).ToArray())
            : AccountsBody(accounts.ToArray());

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
    }
}
