using System.Text.Json.Nodes;
using TagWorker.ImApi;
using TagWorker.ImSimulator;

namespace TagWorker.Tests.Simulator.Api;

/// <summary>The request and response examples of the vendor pages (spec/*.zh.md and the im_get_tag / im_remove_tag pages).</summary>
public sealed class VendorExampleTests
{
    private const string DocumentedOk = """{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""";

    [Fact]
    public async Task AddTag_DocumentedExample_AnswersTheDocumentedBody()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        const string body = """
            {
                "UserTags": [
                    {
                        "To_Account": "xiaojun012",
                        "Tags": ["a", "b"]
                    },
                    {
                        "To_Account": "xiaojun013",
                        "Tags": ["a", "b"]
                    }
                ]
            }
            """;

        using var response = await sim.PostAsync(ImCommandPaths.AddTag, body);

        Assert.Equal(DocumentedOk, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["a", "b"], sim.Simulator.SnapshotState()["xiaojun012"]);
        Assert.Equal(["a", "b"], sim.Simulator.SnapshotState()["xiaojun013"]);
    }

    [Fact]
    public async Task RemoveTag_DocumentedExample_AnswersTheDocumentedBody()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("xiaojun012", "a", "b", "c");
        await sim.AddAsync("xiaojun013", "a", "b");

        using var response = await sim.PostAsync(
            ImCommandPaths.RemoveTag,
            """{"UserTags":[{"To_Account":"xiaojun012","Tags":["a","b"]},{"To_Account":"xiaojun013","Tags":["a","b"]}]}""");

        Assert.Equal(DocumentedOk, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["xiaojun012"], sim.Simulator.SnapshotState().Keys);
        Assert.Equal(["c"], sim.Simulator.SnapshotState()["xiaojun012"]);
    }

    [Fact]
    public async Task RemoveAllTags_DocumentedExample_AnswersTheDocumentedBody()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("xiaojun012", "a");
        await sim.AddAsync("xiaojun013", "b");
        await sim.AddAsync("other", "c");

        using var response = await sim.PostAsync(ImCommandPaths.RemoveAllTags, """
            {
                "To_Account": [
                    "xiaojun012",
                    "xiaojun013"
                ]
            }
            """);

        Assert.Equal(DocumentedOk, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["other"], sim.Simulator.SnapshotState().Keys);
    }

    [Fact]
    public async Task GetTag_DocumentedExample_AnswersTheDocumentedBody()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.AddAsync("xiaojun012", "a", "b");
        await sim.AddAsync("xiaojun013", "a", "c");

        using var response = await sim.PostAsync(ImCommandPaths.GetTag, """{"To_Account":["xiaojun012","xiaojun013"]}""");

        var expected = JsonNode.Parse("""
            {
                "ActionStatus": "OK",
                "ErrorInfo": "",
                "ErrorCode": 0,
                "UserTags": [
                    { "To_Account": "xiaojun012", "Tags": ["a", "b"] },
                    { "To_Account": "xiaojun013", "Tags": ["a", "c"] }
                ]
            }
            """);
        var actual = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(JsonNode.DeepEquals(expected, actual), actual?.ToJsonString());
    }

    [Fact]
    public async Task AddTag_DocumentedUrlParameterOrder_IsAccepted()
    {
        await using var sim = await SimulatorHarness.StartAsync(new SimulatorOptions { SdkAppId = 88888888, AdminIdentifier = "admin" });
        var userSig = sim.UserSigFor("admin");

        using var response = await sim.Http.PostAsync(
            $"v4/all_member_push/im_add_tag?usersig={userSig}&identifier=admin&sdkappid=88888888&random=99999999&contenttype=json",
            new StringContent("""{"UserTags":[{"To_Account":"xiaojun012","Tags":["a","b"]}]}"""),
            TestContext.Current.CancellationToken);

        Assert.Equal(DocumentedOk, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task FailedCall_Body_HasTheDocumentedFieldsInOrder()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        using var response = await sim.PostAsync(ImCommandPaths.AddTag, "{");

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        Assert.Equal(["ActionStatus", "ErrorInfo", "ErrorCode"], body.Select(property => property.Key));
        Assert.Equal("FAIL", body["ActionStatus"]!.GetValue<string>());
        Assert.Equal(90001, body["ErrorCode"]!.GetValue<int>());
    }
}
