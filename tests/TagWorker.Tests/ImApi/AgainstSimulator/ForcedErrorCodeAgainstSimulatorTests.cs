using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.ImApi.AgainstSimulator;

/// <summary>Every code the simulator can be forced to answer reaches the client's outcome with the design's kind.</summary>
public sealed class ForcedErrorCodeAgainstSimulatorTests
{
    public static readonly TheoryData<int, ImOutcomeKind> Codes = new()
    {
        { ImErrorCodes.InternalError, ImOutcomeKind.Retryable },
        { ImErrorCodes.ServiceTimeout, ImOutcomeKind.Retryable },
        { ImErrorCodes.InternalTimeout, ImOutcomeKind.Retryable },
        { ImErrorCodes.InternalServerError, ImOutcomeKind.Retryable },
        { ImErrorCodes.RestFrequencyExceeded, ImOutcomeKind.RateLimited },
        { ImErrorCodes.SdkAppIdFrequencyExceeded, ImOutcomeKind.RateLimited },
        { ImErrorCodes.RequestsTooFrequent, ImOutcomeKind.RateLimited },
        { ImErrorCodes.RequestsTooFrequentRetryLater, ImOutcomeKind.RateLimited },
        { ImErrorCodes.TooManyUserSigFailures, ImOutcomeKind.RateLimited },
        { ImErrorCodes.UserSigExpired, ImOutcomeKind.SignatureFault },
        { ImErrorCodes.UserSigKeyMismatch, ImOutcomeKind.SignatureFault },
        { ImErrorCodes.UserSigNoLongerValid, ImOutcomeKind.SignatureFault },
        { ImErrorCodes.AdministratorRequired, ImOutcomeKind.ConfigurationFault },
        { ImErrorCodes.SdkAppIdInvalid, ImOutcomeKind.ConfigurationFault },
        { ImErrorCodes.NotAppAdministrator, ImOutcomeKind.ConfigurationFault },
        { ImErrorCodes.SdkAppIdDisabled, ImOutcomeKind.ConfigurationFault },
        { ImErrorCodes.RequestDisabled, ImOutcomeKind.ConfigurationFault },
        { ImErrorCodes.PackageExpired, ImOutcomeKind.ConfigurationFault },
        { ImErrorCodes.CallerIpNotAllowed, ImOutcomeKind.ConfigurationFault },
        { ImErrorCodes.TooManyAccounts, ImOutcomeKind.RequestTooLarge },
        { ImErrorCodes.InvalidJson, ImOutcomeKind.Rejected },
        { ImErrorCodes.TagTooLong, ImOutcomeKind.Rejected },
        { ImErrorCodes.TooManyTagsPerUser, ImOutcomeKind.Rejected },
        { 12345, ImOutcomeKind.Rejected },
    };

    [Theory]
    [MemberData(nameof(Codes))]
    public async Task SendAsync_ForcedErrorCode_ClassifiedAsTheErrorPolicyTable(int code, ImOutcomeKind expected)
    {
        await using var harness = await ClientAgainstSimulator.StartAsync();
        harness.Simulator.Faults = new FaultOptions { ForcedErrorCode = code };

        var result = await harness.AddAsync(new UserTags("u1", ["a"]));

        Assert.Equal(expected, result.Kind);
        Assert.Equal(code, result.ErrorCode);
        Assert.Equal(200, result.HttpStatus);
        Assert.Null(result.FaultDescription);
        Assert.Empty(harness.Simulator.SnapshotState());
        Assert.Equal(1, harness.StatsOf(ImCommand.AddTag).InjectedFaults);
    }
}
