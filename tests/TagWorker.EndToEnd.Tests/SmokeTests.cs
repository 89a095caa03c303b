using TagWorker.Contracts;

namespace TagWorker.EndToEnd.Tests;

public class SmokeTests
{
    [Fact]
    public void TagOperation_HasThreeOperations() => Assert.Equal(3, Enum.GetValues<TagOperation>().Length);
}
