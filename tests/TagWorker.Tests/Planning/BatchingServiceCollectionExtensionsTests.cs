using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TagWorker.Planning;

namespace TagWorker.Tests.Planning;

public class BatchingServiceCollectionExtensionsTests
{
    [Fact]
    public void AddBatching_NoConfiguration_UsesDefaults()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<BatchingOptions>>().Value;

        Assert.Equal(TimeSpan.FromMilliseconds(500), options.MaxBatchDelay);
        Assert.Equal(100, options.MaxUsersPerRequest);
        Assert.Equal(10, options.MaxTagsPerUserPerRequest);
        Assert.NotNull(provider.GetRequiredService<BatchPlanner>());
    }

    [Fact]
    public void AddBatching_ConfiguredValues_AreBound()
    {
        using var provider = Build(new()
        {
            ["Batching:MaxBatchDelay"] = "00:00:02",
            ["Batching:MaxUsersPerRequest"] = "50",
            ["Batching:MaxTagsPerUserPerRequest"] = "5",
        });

        var options = provider.GetRequiredService<IOptions<BatchingOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxBatchDelay);
        Assert.Equal(50, options.MaxUsersPerRequest);
        Assert.Equal(5, options.MaxTagsPerUserPerRequest);
        Assert.Same(provider.GetRequiredService<BatchPlanner>(), provider.GetRequiredService<BatchPlanner>());
    }

    [Theory]
    [InlineData("Batching:MaxUsersPerRequest", "101", "MaxUsersPerRequest")]
    [InlineData("Batching:MaxUsersPerRequest", "0", "MaxUsersPerRequest")]
    [InlineData("Batching:MaxTagsPerUserPerRequest", "11", "MaxTagsPerUserPerRequest")]
    [InlineData("Batching:MaxBatchDelay", "00:00:00", "MaxBatchDelay")]
    [InlineData("Batching:MaxBatchDelay", "00:01:00.001", "MaxBatchDelay")]
    public void AddBatching_OutOfRangeValue_FailsStartupValidationNamingTheKey(string key, string value, string name)
    {
        using var provider = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains($"Batching:{name}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Batching:MaxBatchDelay", "00:00:00.001")]
    [InlineData("Batching:MaxBatchDelay", "00:01:00")]
    [InlineData("Batching:MaxUsersPerRequest", "1")]
    [InlineData("Batching:MaxTagsPerUserPerRequest", "1")]
    public void AddBatching_BoundaryValue_PassesStartupValidation(string key, string value)
    {
        using var provider = Build(new() { [key] = value });

        var error = Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Null(error);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddBatching();
        return services.BuildServiceProvider();
    }
}
