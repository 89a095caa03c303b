using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi;

public sealed class ImApiOptionsTests
{
    private const string Secret = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    private static Dictionary<string, string?> ValidSettings() => new()
    {
        ["ImApi:BaseUrl"] = "http://127.0.0.1:5000",
        ["ImApi:SdkAppId"] = "1400000000",
        ["ImApi:AdminIdentifier"] = "administrator",
        ["ImApi:SecretKey"] = Secret,
    };

    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddImApiClient();
        return services.BuildServiceProvider();
    }

    private static OptionsValidationException StartupFailure(Dictionary<string, string?> settings)
    {
        using var provider = BuildProvider(settings);
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void AddImApiClient_ValidSettings_BindsWithDefaults()
    {
        using var provider = BuildProvider(ValidSettings());
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptions<ImApiOptions>>().Value;

        Assert.Equal(new Uri("http://127.0.0.1:5000/"), options.ResolveBaseAddress());
        Assert.Equal(1400000000, options.SdkAppId);
        Assert.Equal(98, options.RequestsPerSecond);
        Assert.Equal(32, options.MaxConcurrentRequests);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal(TimeSpan.FromDays(1), options.UserSigLifetime);
        Assert.Equal(TimeSpan.FromHours(1), options.UserSigRenewBefore);
        Assert.IsType<ImTagClient>(provider.GetRequiredService<IImTagClient>());
    }

    [Fact]
    public void ResolveBaseAddress_Region_IsRegionDomainOverHttps()
    {
        var options = new ImApiOptions { Region = ImRegion.Singapore };

        Assert.Equal(new Uri("https://adminapisgp.im.qcloud.com/"), options.ResolveBaseAddress());
    }

    [Theory]
    [InlineData("ImApi:SecretKey", null, "ImApi:SecretKey")]
    [InlineData("ImApi:AdminIdentifier", "", "ImApi:AdminIdentifier")]
    [InlineData("ImApi:SdkAppId", "0", "ImApi:SdkAppId")]
    [InlineData("ImApi:RequestsPerSecond", "101", "ImApi:RequestsPerSecond")]
    [InlineData("ImApi:RequestsPerSecond", "0.5", "ImApi:RequestsPerSecond")]
    [InlineData("ImApi:MaxConcurrentRequests", "0", "ImApi:MaxConcurrentRequests")]
    [InlineData("ImApi:MaxConcurrentRequests", "257", "ImApi:MaxConcurrentRequests")]
    [InlineData("ImApi:Timeout", "00:00:00", "ImApi:Timeout")]
    [InlineData("ImApi:UserSigLifetime", "00:00:30", "ImApi:UserSigLifetime")]
    [InlineData("ImApi:UserSigRenewBefore", "1.00:00:00", "ImApi:UserSigRenewBefore")]
    [InlineData("ImApi:BaseUrl", "ftp://example.com/", "ImApi:BaseUrl")]
    public void Validate_BadValue_FailureNamesTheKey(string key, string? value, string expectedKey)
    {
        var settings = ValidSettings();
        settings[key] = value;

        var ex = StartupFailure(settings);

        Assert.Contains(expectedKey, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OutOfRange_FailureNamesKeyAndRange()
    {
        var settings = ValidSettings();
        settings["ImApi:UserSigLifetime"] = "00:00:30";
        settings["ImApi:UserSigRenewBefore"] = "00:00:00";

        var ex = StartupFailure(settings);

        Assert.Contains("ImApi:UserSigLifetime must be between 00:01:00 and 180.00:00:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RegionAndBaseUrl_FailsNamingBoth()
    {
        var settings = ValidSettings();
        settings["ImApi:Region"] = "China";

        var ex = StartupFailure(settings);

        Assert.Contains("ImApi:Region", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ImApi:BaseUrl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NeitherRegionNorBaseUrl_Fails()
    {
        var settings = ValidSettings();
        settings.Remove("ImApi:BaseUrl");

        Assert.Contains("ImApi:Region", StartupFailure(settings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RegionOnly_Succeeds()
    {
        var settings = ValidSettings();
        settings.Remove("ImApi:BaseUrl");
        settings["ImApi:Region"] = "Frankfurt";
        using var provider = BuildProvider(settings);

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(ImRegion.Frankfurt, provider.GetRequiredService<IOptions<ImApiOptions>>().Value.Region);
    }

    [Fact]
    public void ToString_WithSecret_DoesNotPrintIt()
    {
        var options = new ImApiOptions { SdkAppId = 1400000000, AdminIdentifier = "administrator", SecretKey = Secret };

        var text = options.ToString();

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("SecretKey = (set)", text, StringComparison.Ordinal);
        Assert.Contains("administrator", text, StringComparison.Ordinal);
    }
}
