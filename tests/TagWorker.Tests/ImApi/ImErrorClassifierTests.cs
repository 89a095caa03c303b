using TagWorker.ImApi;

namespace TagWorker.Tests.ImApi;

public sealed class ImErrorClassifierTests
{
    // Every code named in spec/im-tag-api.md (and the two vendor pages), with the DESIGN.md error policy.
    public static TheoryData<int, ImOutcomeKind> SpecCodes => new()
    {
        { 0, ImOutcomeKind.Success },
        { 90001, ImOutcomeKind.Rejected },
        { 90009, ImOutcomeKind.ConfigurationFault },
        { 90018, ImOutcomeKind.RequestTooLarge },
        { 90020, ImOutcomeKind.Rejected },
        { 90032, ImOutcomeKind.Rejected },
        { 91000, ImOutcomeKind.Retryable },
        { 60007, ImOutcomeKind.RateLimited },
        { 60011, ImOutcomeKind.RateLimited },
        { 60018, ImOutcomeKind.RateLimited },
        { 60019, ImOutcomeKind.RateLimited },
        { 70050, ImOutcomeKind.RateLimited },
        { 60008, ImOutcomeKind.Retryable },
        { 70169, ImOutcomeKind.Retryable },
        { 70500, ImOutcomeKind.Retryable },
        { 70001, ImOutcomeKind.SignatureFault },
        { 70002, ImOutcomeKind.SignatureFault },
        { 70003, ImOutcomeKind.SignatureFault },
        { 70005, ImOutcomeKind.SignatureFault },
        { 70009, ImOutcomeKind.SignatureFault },
        { 70013, ImOutcomeKind.SignatureFault },
        { 70014, ImOutcomeKind.SignatureFault },
        { 70016, ImOutcomeKind.SignatureFault },
        { 70020, ImOutcomeKind.SignatureFault },
        { 70052, ImOutcomeKind.SignatureFault },
        { 60006, ImOutcomeKind.ConfigurationFault },
        { 60010, ImOutcomeKind.ConfigurationFault },
        { 60016, ImOutcomeKind.ConfigurationFault },
        { 60017, ImOutcomeKind.ConfigurationFault },
        { 60020, ImOutcomeKind.ConfigurationFault },
        { 60021, ImOutcomeKind.ConfigurationFault },
    };

    [Theory]
    [MemberData(nameof(SpecCodes))]
    public void Classify_SpecCode_FollowsErrorPolicy(int errorCode, ImOutcomeKind expected) =>
        Assert.Equal(expected, ImErrorClassifier.Classify(errorCode));

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(60000)]
    [InlineData(70053)]
    [InlineData(80001)]
    [InlineData(99999)]
    public void Classify_UnknownCode_IsRejected(int errorCode) =>
        Assert.Equal(ImOutcomeKind.Rejected, ImErrorClassifier.Classify(errorCode));

    [Fact]
    public void Classify_UnlistedCodeInUserSigRange_IsSignatureFault() =>
        Assert.Equal(ImOutcomeKind.SignatureFault, ImErrorClassifier.Classify(70004));

    [Fact]
    public void ImErrorCodes_EveryConstant_IsCoveredBySpecCodes()
    {
        var covered = SpecCodes.Select(row => (int)row.Data.Item1).ToHashSet();
        var constants = typeof(ImErrorCodes).GetFields()
            .Where(f => f.IsLiteral && !f.Name.StartsWith("UserSigRange", StringComparison.Ordinal))
            .Select(f => (int)f.GetRawConstantValue()!);

        Assert.All(constants, code => Assert.Contains(code, covered));
    }
}
