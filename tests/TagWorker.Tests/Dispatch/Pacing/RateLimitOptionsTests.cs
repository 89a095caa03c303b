using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TagWorker.Dispatch;
using TagWorker.Dispatch.Pacing;
using TagWorker.Hosting;
using TagWorker.ImApi;

namespace TagWorker.Tests.Dispatch.Pacing;

public sealed class RateLimitOptionsTests
{
    private static Dictionary<string, string?> ValidSettings() => new()
    {
        ["ImApi:BaseUrl"] = "http://127.0.0.1:5000",
        ["ImApi:SdkAppId"] = "1400000000",
        ["ImApi:AdminIdentifier"] = "administrator",
        ["ImApi:SecretKey"] = "unit-test-key",
    };

    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton<global::TagWorker.Telemetry.TagWorkerMetrics>();
        services.AddImApiClient();
        services.AddDispatch();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddDispatch_NoRateLimitSection_LocalModeOneReplica()
    {
        using var provider = BuildProvider(ValidSettings());
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptions<RateLimitOptions>>().Value;

        Assert.Equal(RateLimitMode.Local, options.Mode);
        Assert.Equal(1, options.Replicas);
        Assert.Equal("tagworker:rate", options.Redis.KeyPrefix);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Redis.OperationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Redis.ReconnectInterval);
    }

    [Fact]
    public void AddDispatch_LocalMode_PacesEveryEndpointAtTheCeilingWithoutASharedBudget()
    {
        using var provider = BuildProvider(ValidSettings());

        var limiter = Assert.IsType<AdaptiveEndpointRateLimiter>(provider.GetRequiredService<IEndpointRateLimiter>());

        Assert.All(Enum.GetValues<ImCommand>(), command => Assert.Equal(98, limiter.CurrentCeiling(command)));
    }

    [Fact]
    public void AddDispatch_RedisMode_ValidSettingsStartWithoutConnecting()
    {
        var settings = ValidSettings();
        settings["RateLimit:Mode"] = "Redis";
        settings["RateLimit:Redis:ConnectionString"] = "127.0.0.1:1,password=not-logged";
        settings["RateLimit:Replicas"] = "3";
        using var provider = BuildProvider(settings);

        provider.GetRequiredService<IStartupValidator>().Validate();
        var limiter = Assert.IsType<AdaptiveEndpointRateLimiter>(provider.GetRequiredService<IEndpointRateLimiter>());

        Assert.Equal(98, limiter.CurrentCeiling(ImCommand.AddTag));
    }

    [Theory]
    [InlineData("RateLimit:Replicas", "0", "RateLimit:Replicas")]
    [InlineData("RateLimit:Replicas", "101", "RateLimit:Replicas")]
    [InlineData("RateLimit:Redis:OperationTimeout", "00:00:00.001", "RateLimit:Redis:OperationTimeout")]
    [InlineData("RateLimit:Redis:ReconnectInterval", "00:10:00", "RateLimit:Redis:ReconnectInterval")]
    [InlineData("RateLimit:Redis:KeyPrefix", "", "RateLimit:Redis:KeyPrefix")]
    public void Validate_BadValue_FailureNamesTheKey(string key, string value, string expectedKey)
    {
        var settings = ValidSettings();
        settings[key] = value;

        var failure = StartupFailure(settings);

        Assert.Contains(failure.Failures, message => message.Contains(expectedKey, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RedisModeWithoutConnectionString_NamesTheKey()
    {
        var settings = ValidSettings();
        settings["RateLimit:Mode"] = "Redis";

        var failure = StartupFailure(settings);

        Assert.Contains(failure.Failures, message => message.Contains("RateLimit:Redis:ConnectionString", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RedisModeWithUnparsableConnectionString_NamesTheKeyAndNeverRepeatsIt()
    {
        var settings = ValidSettings();
        settings["RateLimit:Mode"] = "Redis";
        settings["RateLimit:Redis:ConnectionString"] = "host:6379,password=s3cret,notAnOption=1";

        var failure = StartupFailure(settings);

        var message = Assert.Single(failure.Failures, message => message.Contains("RateLimit:Redis:ConnectionString", StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownMode_IsRefused()
    {
        var settings = ValidSettings();
        settings["RateLimit:Mode"] = "Memcached";
        using var provider = BuildProvider(settings);

        Assert.ThrowsAny<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    private static OptionsValidationException StartupFailure(Dictionary<string, string?> settings)
    {
        using var provider = BuildProvider(settings);
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }
}
