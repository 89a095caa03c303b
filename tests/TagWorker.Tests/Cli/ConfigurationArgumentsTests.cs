using TagWorker.Cli;

namespace TagWorker.Tests.Cli;

public class ConfigurationArgumentsTests
{
    [Fact]
    public void Split_SettingsInBothFormsAnywhere_GoToConfigurationAsKeyEqualsValue()
    {
        var split = ConfigurationArguments.Split(["--ImApi:Region", "Singapore", "enqueue", "--LocalQueue:Path=q.db", "events.jsonl", "--no-validate"]);

        Assert.Null(split.Error);
        Assert.Equal(["--ImApi:Region=Singapore", "--LocalQueue:Path=q.db"], split.Configuration);
        Assert.Equal(["enqueue", "events.jsonl", "--no-validate"], split.Verb);
    }

    [Theory]
    [InlineData("--Source=ServiceBus", "--Source=ServiceBus")]
    [InlineData("--source=ServiceBus", "--source=ServiceBus")]
    [InlineData("--urls=http://127.0.0.1:0", "--urls=http://127.0.0.1:0")]
    [InlineData("--environment=Staging", "--environment=Staging")]
    [InlineData("--Simulator:Faults:ErrorRate91000=", "--Simulator:Faults:ErrorRate91000=")]
    [InlineData("--Serilog:MinimumLevel:Default=Debug", "--Serilog:MinimumLevel:Default=Debug")]
    public void Split_TopLevelAndSectionKeys_AreConfiguration(string token, string expected)
    {
        var split = ConfigurationArguments.Split([token]);

        Assert.Equal([expected], split.Configuration);
        Assert.Empty(split.Verb);
    }

    [Theory]
    [InlineData("deadleters")]
    [InlineData("--jsno")]
    [InlineData("-ImApi:Region=China")]
    [InlineData("--:Key=1")]
    [InlineData("--Section:=1")]
    [InlineData("--contentRoot=/tmp")]
    [InlineData("/ImApi:Region=China")]
    public void Split_TokensThatAreNotSettings_StayForTheParser(string token)
    {
        var split = ConfigurationArguments.Split([token]);

        Assert.Empty(split.Configuration);
        Assert.Equal([token], split.Verb);
    }

    [Fact]
    public void Split_AfterDoubleDash_EverythingIsTheVerbs()
    {
        var split = ConfigurationArguments.Split(["tags", "get", "--", "--odd:user", "u1"]);

        Assert.Empty(split.Configuration);
        Assert.Equal(["tags", "get", "--", "--odd:user", "u1"], split.Verb);
    }

    [Fact]
    public void Split_SettingWithoutValueAtTheEnd_IsAnErrorNamingIt()
    {
        var split = ConfigurationArguments.Split(["demo", "--ImApi:Region"]);

        Assert.Contains("'--ImApi:Region'", split.Error, StringComparison.Ordinal);
    }
}
